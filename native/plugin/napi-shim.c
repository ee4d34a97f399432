/*
 * Node-API glue for a C engine (vsgi C engine ABI 1): exposes vsgi_engine_prepare and
 * vsgi_engine_dispatch to JS as a native module, so `--engine my.c` runs in-process wherever a
 * TS engine does. Built by src/check/compile.ts with `cc -shared -fPIC`, no node-gyp and no
 * Node headers: the handful of Node-API functions used are declared here with their documented
 * C signatures (Node-API is ABI-stable across Node versions) and resolved from the running node
 * binary when the module is loaded.
 *
 * JS API (module exports):
 *   prepare(affinity: Uint32Array, rss: 0|1, targets: Uint32Array, ntargets: Uint32Array)
 *     -> null when supported, else the engine's reason (string). `targets` (room for count ids)
 *     and `ntargets` (1 slot) are the buffers every later dispatch writes into; the JS side
 *     keeps them alive.
 *   dispatch(hi: uint32, lo: uint32, sender: uint32) -> visits; ntargets[0] and targets[] hold
 *     the result. ntargets[0] is preset to 0xFFFFFFFF so an engine that never sets it is seen.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include "vsgi_engine.h"

typedef struct napi_env__ *napi_env;
typedef struct napi_value__ *napi_value;
typedef struct napi_callback_info__ *napi_callback_info;
typedef int napi_status; /* an enum in node_api_types.h; napi_ok = 0 */
typedef int napi_typedarray_type; /* napi_int8_array 0, uint8 1, uint8_clamped 2, int16 3, uint16 4, int32 5, uint32 6 */
typedef napi_value (*napi_callback)(napi_env env, napi_callback_info info);

#define NAPI_OK 0
#define NAPI_UINT32_ARRAY 6

extern napi_status napi_get_cb_info(napi_env env, napi_callback_info info, size_t *argc, napi_value *argv, napi_value *this_arg, void **data);
extern napi_status napi_get_value_uint32(napi_env env, napi_value value, uint32_t *result);
extern napi_status napi_create_uint32(napi_env env, uint32_t value, napi_value *result);
extern napi_status napi_create_string_utf8(napi_env env, const char *str, size_t length, napi_value *result);
extern napi_status napi_get_null(napi_env env, napi_value *result);
extern napi_status napi_get_typedarray_info(napi_env env, napi_value typedarray, napi_typedarray_type *type, size_t *length, void **data,
                                            napi_value *arraybuffer, size_t *byte_offset);
extern napi_status napi_create_function(napi_env env, const char *utf8name, size_t length, napi_callback cb, void *data, napi_value *result);
extern napi_status napi_set_named_property(napi_env env, napi_value object, const char *utf8name, napi_value value);
extern napi_status napi_throw_error(napi_env env, const char *code, const char *msg);

static uint32_t *g_targets;
static uint32_t *g_ntargets;

static bool uint32_array(napi_env env, napi_value v, uint32_t **data, size_t *length) {
  napi_typedarray_type type;
  void *p;
  napi_value buffer;
  size_t offset;
  if (napi_get_typedarray_info(env, v, &type, length, &p, &buffer, &offset) != NAPI_OK || type != NAPI_UINT32_ARRAY) return false;
  *data = (uint32_t *)p;
  return true;
}

static napi_value js_prepare(napi_env env, napi_callback_info info) {
  size_t argc = 4;
  napi_value argv[4];
  uint32_t *affinity, *targets, *ntargets, rss;
  size_t count, room, nslots;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != NAPI_OK || argc != 4 || !uint32_array(env, argv[0], &affinity, &count) ||
      napi_get_value_uint32(env, argv[1], &rss) != NAPI_OK || !uint32_array(env, argv[2], &targets, &room) ||
      !uint32_array(env, argv[3], &ntargets, &nslots) || room < count || nslots < 1) {
    napi_throw_error(env, NULL, "prepare(affinity: Uint32Array, rss, targets: Uint32Array, ntargets: Uint32Array) expected");
    return NULL;
  }
  g_targets = targets;
  g_ntargets = ntargets;
  char reason[VSGI_ENGINE_REASON_BYTES];
  memset(reason, 0, sizeof reason);
  int r = vsgi_engine_prepare(affinity, (uint32_t)count, rss != 0, reason);
  napi_value out;
  if (r == 0) {
    napi_get_null(env, &out);
    return out;
  }
  reason[VSGI_ENGINE_REASON_BYTES - 1] = 0;
  const char *text = reason[0] != 0 ? reason : "(the engine gave no reason)";
  napi_create_string_utf8(env, text, strlen(text), &out);
  return out;
}

static napi_value js_dispatch(napi_env env, napi_callback_info info) {
  size_t argc = 3;
  napi_value argv[3];
  uint32_t hi, lo, sender;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != NAPI_OK || argc != 3 || napi_get_value_uint32(env, argv[0], &hi) != NAPI_OK ||
      napi_get_value_uint32(env, argv[1], &lo) != NAPI_OK || napi_get_value_uint32(env, argv[2], &sender) != NAPI_OK || g_targets == NULL) {
    napi_throw_error(env, NULL, "dispatch(hi, lo, sender) expected after prepare");
    return NULL;
  }
  *g_ntargets = 0xFFFFFFFFu;
  uint32_t visits = vsgi_engine_dispatch(((uint64_t)hi << 32) | lo, sender, g_targets, g_ntargets);
  napi_value out;
  napi_create_uint32(env, visits, &out);
  return out;
}

static void export_function(napi_env env, napi_value exports, const char *name, napi_callback cb) {
  napi_value fn;
  if (napi_create_function(env, name, strlen(name), cb, NULL, &fn) == NAPI_OK) napi_set_named_property(env, exports, name, fn);
}

/* Node looks this symbol up when it loads a module that does not register itself. */
__attribute__((visibility("default"))) napi_value napi_register_module_v1(napi_env env, napi_value exports) {
  export_function(env, exports, "prepare", js_prepare);
  export_function(env, exports, "dispatch", js_dispatch);
  napi_value version;
  if (napi_create_uint32(env, VSGI_ENGINE_ABI_VERSION, &version) == NAPI_OK) napi_set_named_property(env, exports, "abi", version);
  return exports;
}
