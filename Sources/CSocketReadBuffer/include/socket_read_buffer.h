#ifndef LINLI_SOCKET_READ_BUFFER_H
#define LINLI_SOCKET_READ_BUFFER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* A read buffer in front of the socket an MQTT client's network loop reads.

   libmosquitto reads a packet with one read(2) for its first byte, one per byte of its remaining length and one for
   its body: four system calls for a 200-byte event, half of a subscriber's network thread under load. This file
   defines read(2) and close(2) themselves. An executable linked with libmosquitto exports them (libmosquitto
   references both, so the linker puts the executable's definitions in the dynamic symbol table), and libmosquitto's
   calls bind to them. A read of a descriptor attached here is served from a buffer that one read(2) of up to 64 KiB
   fills; closing the descriptor detaches it, so that no byte of one connection reaches the next one given the same
   number. Every other descriptor goes straight to the C library.

   Rules for the owner (the network loop):
   - attach, read and release on the thread that reads the descriptor;
   - never wait for the socket to become readable (select, poll) while linli_read_buffer_pending is not 0: those
     bytes are no longer in the kernel. */

/** A descriptor's buffer; owned by whoever attached it, until released. */
typedef struct linli_read_buffer linli_read_buffer;

/** Buffers the reads of `descriptor`, replacing any buffer it had. NULL if it cannot be buffered (a descriptor beyond
    the table, no memory, or a platform where read(2) is not interposed): reads then go unbuffered. */
linli_read_buffer *linli_read_buffer_attach(int descriptor);

/** Detaches `buffer` if its descriptor still reads through it, drops what it holds and frees it. NULL is ignored. */
void linli_read_buffer_release(linli_read_buffer *buffer);

/** Whether `buffer`'s descriptor still reads through it (false once the descriptor was closed or attached again). */
bool linli_read_buffer_is_attached(const linli_read_buffer *buffer);

/** Bytes read from the socket and not yet taken by a read; 0 once the buffer is no longer attached. */
size_t linli_read_buffer_pending(const linli_read_buffer *buffer);

/** The descriptor `buffer` was attached to; -1 for NULL. */
int linli_read_buffer_descriptor(const linli_read_buffer *buffer);

/** How many read(2) calls the reads it served made: those that filled it, and those that found nothing (EAGAIN). */
uint64_t linli_read_buffer_system_calls(const linli_read_buffer *buffer);

/** How many reads of the descriptor the buffer served (each one a read(2) call without it). */
uint64_t linli_read_buffer_reads(const linli_read_buffer *buffer);

#endif
