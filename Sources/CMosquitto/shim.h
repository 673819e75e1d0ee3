#ifndef LINLI_CMOSQUITTO_SHIM_H
#define LINLI_CMOSQUITTO_SHIM_H

/* The libmosquitto C API, found through pkg-config "libmosquitto". mqtt_protocol.h names the
   MQTT 5 property identifiers (MQTT_PROP_SESSION_EXPIRY_INTERVAL) and protocol versions. */
#include <mosquitto.h>
#include <mqtt_protocol.h>

#endif
