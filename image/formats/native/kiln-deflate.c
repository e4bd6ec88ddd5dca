/*
 * kiln-deflate.node: gzip of one block on libuv's thread pool with libdeflate, for
 * image/formats/native-gzip.ts. libdeflate compresses a whole buffer at once (no streaming, no
 * preset dictionary), about 1.8x faster than zlib at the same level with smaller output, so
 * each block becomes one complete gzip member and the members are concatenated in order
 * (RFC 1952 allows any number of members; eStargz layers are made the same way).
 *
 * gzipBlock(input: Uint8Array, level: number, done: (err: Error | null, out?: Buffer) => void)
 * version: the libdeflate version string (part of the output format: it fixes the bytes).
 */
#define NAPI_VERSION 8
#include <libdeflate.h>
#include <node_api.h>
#include <stdint.h>
#include <stdlib.h>

typedef struct {
  napi_async_work work;
  napi_ref input_ref;
  napi_ref done_ref;
  const uint8_t *in;
  size_t in_len;
  int level;
  uint8_t *out;
  size_t out_len;
  const char *error;
} Job;

/* One compressor per pool thread, kept for the thread's life: allocating one per block cost
 * more than compressing a small block. */
static __thread struct libdeflate_compressor *thread_compressor;
static __thread int thread_level = -1;

static void execute(napi_env env, void *data) {
  (void)env;
  Job *job = data;
  if (thread_level != job->level) {
    if (thread_compressor) libdeflate_free_compressor(thread_compressor);
    thread_compressor = libdeflate_alloc_compressor(job->level);
    thread_level = thread_compressor ? job->level : -1;
  }
  if (!thread_compressor) {
    job->error = "libdeflate could not allocate a compressor";
    return;
  }
  size_t bound = libdeflate_gzip_compress_bound(thread_compressor, job->in_len);
  job->out = malloc(bound);
  if (!job->out) {
    job->error = "out of memory for a compressed block";
    return;
  }
  job->out_len = libdeflate_gzip_compress(thread_compressor, job->in, job->in_len, job->out, bound);
  if (job->out_len == 0) job->error = "libdeflate: the compressed block did not fit its bound";
}

static void free_output(napi_env env, void *data, void *hint) {
  (void)env;
  (void)hint;
  free(data);
}

static void complete(napi_env env, napi_status status, void *data) {
  Job *job = data;
  napi_value done, global, argv[2];
  napi_get_reference_value(env, job->done_ref, &done);
  napi_get_global(env, &global);
  if (status == napi_ok && !job->error) {
    /* shrink to the real size (glibc shrinks a large block in place) and hand the memory over */
    uint8_t *out = realloc(job->out, job->out_len ? job->out_len : 1);
    if (out) job->out = out;
    napi_get_null(env, &argv[0]);
    if (napi_create_external_buffer(env, job->out_len, job->out, free_output, NULL, &argv[1]) != napi_ok) {
      free(job->out);
      napi_value message;
      napi_create_string_utf8(env, "could not hand a compressed block to JavaScript", NAPI_AUTO_LENGTH, &message);
      napi_create_error(env, NULL, message, &argv[0]);
      napi_get_undefined(env, &argv[1]);
    }
  } else {
    free(job->out);
    napi_value message;
    napi_create_string_utf8(env, job->error ? job->error : "the compression job was cancelled", NAPI_AUTO_LENGTH, &message);
    napi_create_error(env, NULL, message, &argv[0]);
    napi_get_undefined(env, &argv[1]);
  }
  napi_delete_reference(env, job->input_ref);
  napi_delete_reference(env, job->done_ref);
  napi_delete_async_work(env, job->work);
  free(job);
  napi_call_function(env, global, done, 2, argv, NULL);
}

static napi_value gzip_block(napi_env env, napi_callback_info info) {
  size_t argc = 3;
  napi_value argv[3];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  bool is_typed = false;
  napi_valuetype done_type = napi_undefined;
  int32_t level = 0;
  if (argc < 3) goto usage;
  napi_is_typedarray(env, argv[0], &is_typed);
  napi_typeof(env, argv[2], &done_type);
  if (!is_typed || done_type != napi_function || napi_get_value_int32(env, argv[1], &level) != napi_ok || level < 0 || level > 12) goto usage;

  napi_typedarray_type type;
  size_t length;
  void *bytes;
  napi_value arraybuffer;
  size_t offset;
  napi_get_typedarray_info(env, argv[0], &type, &length, &bytes, &arraybuffer, &offset);
  if (type != napi_uint8_array) goto usage;

  Job *job = calloc(1, sizeof *job);
  if (!job) {
    napi_throw_error(env, NULL, "out of memory");
    return NULL;
  }
  job->in = bytes;
  job->in_len = length;
  job->level = level;
  napi_create_reference(env, argv[0], 1, &job->input_ref); /* the input stays alive while the pool reads it */
  napi_create_reference(env, argv[2], 1, &job->done_ref);
  napi_value name;
  napi_create_string_utf8(env, "kiln-deflate", NAPI_AUTO_LENGTH, &name);
  napi_create_async_work(env, NULL, name, execute, complete, job, &job->work);
  napi_queue_async_work(env, job->work);
  return NULL;

usage:
  napi_throw_type_error(env, NULL, "gzipBlock(input: Uint8Array, level: 0..12, done: function)");
  return NULL;
}

static napi_value init(napi_env env, napi_value exports) {
  napi_value fn, version;
  napi_create_function(env, "gzipBlock", NAPI_AUTO_LENGTH, gzip_block, NULL, &fn);
  napi_set_named_property(env, exports, "gzipBlock", fn);
  napi_create_string_utf8(env, LIBDEFLATE_VERSION_STRING, NAPI_AUTO_LENGTH, &version);
  napi_set_named_property(env, exports, "version", version);
  return exports;
}

NAPI_MODULE_INIT() { return init(env, exports); }
