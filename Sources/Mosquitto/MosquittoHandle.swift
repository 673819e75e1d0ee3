internal import CMosquitto

/// The result of `mosquitto_lib_init`, run once per process the first time a client is created.
let libraryInitialisation: Int32 = mosquitto_lib_init()

/// One client's `struct mosquitto *`.
///
/// `@unchecked Sendable` because the pointer is shared by three kinds of caller, each covered by a lock or an order:
/// - ``MQTTClient`` API calls (`mosquitto_publish`, `mosquitto_subscribe`) hold the `MQTTClient.state` mutex and check
///   `closed` first, so none runs once shutdown has begun;
/// - the network loop (`mosquitto_loop`, `mosquitto_reconnect`, and callbacks inside them) runs on `networkQueue`;
///   libmosquitto is in threaded mode (`mosquitto_threaded_set`), so its own mutexes serialise it with API calls;
/// - lifecycle calls (`connect`, `disconnect`, `destroy`) run in order on the client's serial `lifecycleQueue`;
///   `mosquitto_destroy` runs only after the network loop has returned (`networkLoopFinished`).
struct MosquittoHandle: @unchecked Sendable {
    let pointer: OpaquePointer
}
