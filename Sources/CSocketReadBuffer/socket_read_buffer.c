#include "socket_read_buffer.h"

#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

struct linli_read_buffer {
    int descriptor;
    size_t start;
    size_t end;
    uint64_t system_calls;
    uint64_t reads;
    unsigned char bytes[64 * 1024];
};

#if defined(__linux__) && defined(__GLIBC__)

/* The C library's read and close, under the names glibc exports beside `read` and `close`. */
extern ssize_t __read(int descriptor, void *destination, size_t count);
extern int __close(int descriptor);

/* Descriptors from this one on are never buffered. */
#define LINLI_READ_BUFFER_DESCRIPTORS 4096

static _Atomic(linli_read_buffer *) attached[LINLI_READ_BUFFER_DESCRIPTORS];

static linli_read_buffer *attached_to(int descriptor) {
    if (descriptor < 0 || descriptor >= LINLI_READ_BUFFER_DESCRIPTORS) return NULL;
    return atomic_load_explicit(&attached[descriptor], memory_order_acquire);
}

ssize_t read(int descriptor, void *destination, size_t count) {
    linli_read_buffer *buffer = attached_to(descriptor);
    if (buffer == NULL) return __read(descriptor, destination, count);
    buffer->reads += 1;
    if (buffer->start == buffer->end) {
        buffer->system_calls += 1;
        /* Nothing buffered: a read as large as the buffer goes straight to the caller. */
        if (count >= sizeof buffer->bytes) return __read(descriptor, destination, count);
        ssize_t filled = __read(descriptor, buffer->bytes, sizeof buffer->bytes);
        if (filled <= 0) return filled; /* the end of the stream, or an error in errno (EAGAIN included) */
        buffer->start = 0;
        buffer->end = (size_t)filled;
    }
    size_t available = buffer->end - buffer->start;
    size_t taken = count < available ? count : available;
    memcpy(destination, buffer->bytes + buffer->start, taken);
    buffer->start += taken;
    return (ssize_t)taken;
}

int close(int descriptor) {
    if (descriptor >= 0 && descriptor < LINLI_READ_BUFFER_DESCRIPTORS) {
        /* The owner still holds (and frees) the buffer; the descriptor's next user reads unbuffered. */
        atomic_store_explicit(&attached[descriptor], NULL, memory_order_release);
    }
    return __close(descriptor);
}

linli_read_buffer *linli_read_buffer_attach(int descriptor) {
    if (descriptor < 0 || descriptor >= LINLI_READ_BUFFER_DESCRIPTORS) return NULL;
    linli_read_buffer *buffer = malloc(sizeof *buffer);
    if (buffer == NULL) return NULL;
    buffer->descriptor = descriptor;
    buffer->start = 0;
    buffer->end = 0;
    buffer->system_calls = 0;
    buffer->reads = 0;
    atomic_store_explicit(&attached[descriptor], buffer, memory_order_release);
    return buffer;
}

void linli_read_buffer_release(linli_read_buffer *buffer) {
    if (buffer == NULL) return;
    linli_read_buffer *expected = buffer;
    atomic_compare_exchange_strong_explicit(
        &attached[buffer->descriptor], &expected, NULL, memory_order_acq_rel, memory_order_acquire);
    free(buffer);
}

bool linli_read_buffer_is_attached(const linli_read_buffer *buffer) {
    return buffer != NULL && attached_to(buffer->descriptor) == buffer;
}

#else

linli_read_buffer *linli_read_buffer_attach(int descriptor) {
    (void)descriptor;
    return NULL;
}

void linli_read_buffer_release(linli_read_buffer *buffer) { (void)buffer; }

bool linli_read_buffer_is_attached(const linli_read_buffer *buffer) {
    (void)buffer;
    return false;
}

#endif

size_t linli_read_buffer_pending(const linli_read_buffer *buffer) {
    return linli_read_buffer_is_attached(buffer) ? buffer->end - buffer->start : 0;
}

int linli_read_buffer_descriptor(const linli_read_buffer *buffer) { return buffer == NULL ? -1 : buffer->descriptor; }

uint64_t linli_read_buffer_system_calls(const linli_read_buffer *buffer) {
    return buffer == NULL ? 0 : buffer->system_calls;
}

uint64_t linli_read_buffer_reads(const linli_read_buffer *buffer) { return buffer == NULL ? 0 : buffer->reads; }
