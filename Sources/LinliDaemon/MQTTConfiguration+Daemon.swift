import Mosquitto

extension MQTTConfiguration {
    /// The client settings for the daemon's broker settings: its URL, a fixed client id and a persistent
    /// session by default, credentials and TLS files.
    init(daemon: DaemonConfiguration.MQTT) throws {
        try self.init(url: daemon.url)
        clientID = daemon.clientID
        cleanSession = daemon.cleanSession
        keepAlive = .seconds(daemon.keepAlive)
        username = daemon.username
        password = daemon.password
        inboundCapacity = daemon.inboundCapacity
        if daemon.caFile != nil || daemon.certFile != nil || daemon.keyFile != nil {
            var tls = self.tls ?? TLSConfiguration()
            tls.caFile = daemon.caFile ?? tls.caFile
            tls.certFile = daemon.certFile
            tls.keyFile = daemon.keyFile
            self.tls = tls
        }
    }
}
