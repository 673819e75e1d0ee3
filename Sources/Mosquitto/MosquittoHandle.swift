internal import CMosquitto

/// The result of `mosquitto_lib_init`, run once per process the first time a client is created.
let libraryInitialisation: Int32 = mosquitto_lib_init()

/// One client's `struct mosquitto *`.
///
/// `@unchecked Sendable` because the pointer is shared by three kinds of caller, each covered by a lock or an order:
/// - ``MQTTClient`` API calls (`mosquitto_publish`, `mosquitto_subscribe`) hold the `MQTTClient.state` mutex and check
///   `closed` first, so none runs once shutdown has begun;
/// - libmosquitto's loop thread uses it inside callbacks, serialised by libmosquitto's own mutexes;
/// - lifecycle calls (`connect`, `loop_start`, `disconnect`, `loop_stop`, `destroy`) run in order on the client's serial
///   `lifecycleQueue`; `mosquitto_destroy` runs only after `mosquitto_loop_stop` has joined the loop thread.
struct MosquittoHandle: @unchecked Sendable {
    let pointer: OpaquePointer
}
