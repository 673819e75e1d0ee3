import Crypto
import Hummingbird
import Mustache
