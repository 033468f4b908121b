// Native hot paths of the produce path: CRC-32C over record batches and the walk over a batch's
// record framing. Both run over every produced byte, and in JavaScript they cap validation at a few
// GB/s; here CRC-32C uses the CPU's CRC instruction on three interleaved streams and the walk
// decodes varints without crossing into JavaScript per record.
//
// Loaded by src/protocol/native-addon.ts; when the addon is missing (no C compiler, an unusual
// platform) the JavaScript implementations in crc32c.ts and record-batch.ts do the same work.
// test/unit/protocol/native-addon.test.ts checks that both give identical answers.
#define NAPI_VERSION 8
#include <node_api.h>
#include <stdint.h>
#include <stddef.h>
#include <string.h>

#if defined(__x86_64__) || defined(_M_X64)
#include <nmmintrin.h>
#include <wmmintrin.h>
#include <immintrin.h>
#define HAVE_X86_CRC 1
#elif defined(__aarch64__) && defined(__ARM_FEATURE_CRC32)
#include <arm_acle.h>
#define HAVE_ARM_CRC 1
#endif

// ---------------------------------------------------------------------------------------------
// CRC-32C (Castagnoli), reflected polynomial 0x82F63B78. Functions named *_raw work on the CRC
// register without Kafka's (and everyone's) initial and final inversion.

#define CRC32C_POLY 0x82F63B78u
// Stream lengths for the three-way interleave: long for bulk, short for what remains.
#define LONG_BLOCK 8192
#define SHORT_BLOCK 256

static uint32_t byte_table[256];
// zeros_long[k][b]: the register after LONG_BLOCK zero bytes, starting from byte b at position k.
static uint32_t zeros_long[4][256];
static uint32_t zeros_short[4][256];
static int tables_ready = 0;

static uint32_t crc32c_sw_raw(uint32_t crc, const uint8_t *data, size_t length) {
  for (size_t i = 0; i < length; i++) crc = (crc >> 8) ^ byte_table[(crc ^ data[i]) & 0xff];
  return crc;
}

// The register after `zero_bytes` zero bytes, starting from `crc`: linear in `crc`, so one table
// per byte position of the register gives it for any starting value.
static void build_zeros_table(uint32_t table[4][256], size_t zero_bytes) {
  uint32_t basis[32];
  for (int bit = 0; bit < 32; bit++) {
    uint32_t crc = 1u << bit;
    for (size_t i = 0; i < zero_bytes; i++) crc = (crc >> 8) ^ byte_table[crc & 0xff];
    basis[bit] = crc;
  }
  for (int k = 0; k < 4; k++) {
    for (int b = 0; b < 256; b++) {
      uint32_t value = 0;
      for (int bit = 0; bit < 8; bit++) {
        if (b & (1 << bit)) value ^= basis[k * 8 + bit];
      }
      table[k][b] = value;
    }
  }
}

static void init_tables(void) {
  if (tables_ready) return;
  for (uint32_t n = 0; n < 256; n++) {
    uint32_t crc = n;
    for (int k = 0; k < 8; k++) crc = (crc & 1) ? (crc >> 1) ^ CRC32C_POLY : crc >> 1;
    byte_table[n] = crc;
  }
  build_zeros_table(zeros_long, LONG_BLOCK);
  build_zeros_table(zeros_short, SHORT_BLOCK);
  tables_ready = 1;
}

static inline uint32_t shift_register(uint32_t table[4][256], uint32_t crc) {
  return table[0][crc & 0xff] ^ table[1][(crc >> 8) & 0xff] ^ table[2][(crc >> 16) & 0xff] ^ table[3][crc >> 24];
}

#if defined(HAVE_X86_CRC) || defined(HAVE_ARM_CRC)

#if defined(HAVE_X86_CRC)
#define HW_TARGET __attribute__((target("sse4.2")))
#define CRC_U8(crc, byte) _mm_crc32_u8((crc), (byte))
#define CRC_U64(crc, word) ((uint32_t)_mm_crc32_u64((crc), (word)))
#else
#define HW_TARGET
#define CRC_U8(crc, byte) __crc32cb((crc), (byte))
#define CRC_U64(crc, word) __crc32cd((crc), (word))
#endif

static inline uint64_t load_u64(const uint8_t *p) {
  uint64_t word;
  memcpy(&word, p, 8);
  return word;
}

// Three independent streams keep the CRC unit busy (its latency is three times its throughput);
// their registers are then combined by shifting over the bytes that followed them.
#define INTERLEAVE(block, table)                                                   \
  while (length >= 3 * (block)) {                                                  \
    uint32_t crc1 = 0, crc2 = 0;                                                   \
    const uint8_t *stop = p + (block);                                             \
    do {                                                                           \
      crc = CRC_U64(crc, load_u64(p));                                             \
      crc1 = CRC_U64(crc1, load_u64(p + (block)));                                 \
      crc2 = CRC_U64(crc2, load_u64(p + 2 * (block)));                             \
      p += 8;                                                                      \
    } while (p < stop);                                                            \
    crc = shift_register(table, crc) ^ crc1;                                       \
    crc = shift_register(table, crc) ^ crc2;                                       \
    p += 2 * (block);                                                              \
    length -= 3 * (block);                                                         \
  }

HW_TARGET static uint32_t crc32c_hw_raw(uint32_t crc, const uint8_t *p, size_t length) {
  while (length > 0 && ((uintptr_t)p & 7) != 0) {
    crc = CRC_U8(crc, *p++);
    length--;
  }
  INTERLEAVE(LONG_BLOCK, zeros_long)
  INTERLEAVE(SHORT_BLOCK, zeros_short)
  while (length >= 8) {
    crc = CRC_U64(crc, load_u64(p));
    p += 8;
    length -= 8;
  }
  while (length > 0) {
    crc = CRC_U8(crc, *p++);
    length--;
  }
  return crc;
}

#if defined(HAVE_X86_CRC)
// Carry-less multiplication (VPCLMULQDQ) folds 256 bytes a step through four 512-bit registers,
// about twice what the CRC instruction does alone on three streams. A 16-byte block B followed by
// D bits contributes B(x)·x^(D+32) to the CRC; moving it N bits forward keeps that, with B split
// into its first 8 bytes H and last 8 bytes L: B·x^N ≡ H·x^(N+64) + L·x^N (mod P). In the
// reflected bit order a 64x32-bit product comes out 33 bits short, hence the constants
// x^(N+64-33) and x^(N-33).
static uint64_t fold_512_high, fold_512_low, fold_128_high, fold_128_low;
static uint64_t fold_2048_high, fold_2048_low, fold_384_high, fold_384_low, fold_256_high, fold_256_low;

// x^n mod P as a reflected register value (bit 31 is x^0).
static uint32_t x_pow_mod_p(unsigned n) {
  uint32_t value = 1u << 31;
  while (n-- > 0) value = (value & 1) ? (value >> 1) ^ CRC32C_POLY : value >> 1;
  return value;
}

static void init_fold_constants(void) {
  fold_512_high = x_pow_mod_p(512 + 64 - 33);
  fold_512_low = x_pow_mod_p(512 - 33);
  fold_128_high = x_pow_mod_p(128 + 64 - 33);
  fold_128_low = x_pow_mod_p(128 - 33);
  fold_2048_high = x_pow_mod_p(2048 + 64 - 33);
  fold_2048_low = x_pow_mod_p(2048 - 33);
  fold_384_high = x_pow_mod_p(384 + 64 - 33);
  fold_384_low = x_pow_mod_p(384 - 33);
  fold_256_high = x_pow_mod_p(256 + 64 - 33);
  fold_256_low = x_pow_mod_p(256 - 33);
}

__attribute__((target("sse4.2,pclmul"))) static inline __m128i fold(__m128i block, __m128i constants, __m128i next) {
  __m128i high = _mm_clmulepi64_si128(block, constants, 0x00);
  __m128i low = _mm_clmulepi64_si128(block, constants, 0x11);
  return _mm_xor_si128(_mm_xor_si128(high, low), next);
}

#define AVX512_TARGET __attribute__((target("sse4.2,pclmul,avx512f,avx512vl,vpclmulqdq")))

AVX512_TARGET static inline __m512i fold_wide(__m512i block, __m512i constants, __m512i next) {
  __m512i high = _mm512_clmulepi64_epi128(block, constants, 0x00);
  __m512i low = _mm512_clmulepi64_epi128(block, constants, 0x11);
  return _mm512_ternarylogic_epi64(high, low, next, 0x96);  // high ^ low ^ next
}

// The same folding on four 512-bit registers (256 bytes a step), where the CPU has VPCLMULQDQ.
AVX512_TARGET static uint32_t crc32c_avx512_raw(uint32_t crc, const uint8_t *p, size_t length) {
  if (length < 1024) return crc32c_hw_raw(crc, p, length);
  const __m512i k2048 = _mm512_set4_epi64((long long)fold_2048_low, (long long)fold_2048_high, (long long)fold_2048_low, (long long)fold_2048_high);
  const __m512i k512 = _mm512_set4_epi64((long long)fold_512_low, (long long)fold_512_high, (long long)fold_512_low, (long long)fold_512_high);
  __m512i z0 = _mm512_loadu_si512((const void *)p);
  __m512i z1 = _mm512_loadu_si512((const void *)(p + 64));
  __m512i z2 = _mm512_loadu_si512((const void *)(p + 128));
  __m512i z3 = _mm512_loadu_si512((const void *)(p + 192));
  z0 = _mm512_xor_si512(z0, _mm512_zextsi128_si512(_mm_cvtsi32_si128((int)crc)));
  p += 256;
  length -= 256;
  while (length >= 256) {
    z0 = fold_wide(z0, k2048, _mm512_loadu_si512((const void *)p));
    z1 = fold_wide(z1, k2048, _mm512_loadu_si512((const void *)(p + 64)));
    z2 = fold_wide(z2, k2048, _mm512_loadu_si512((const void *)(p + 128)));
    z3 = fold_wide(z3, k2048, _mm512_loadu_si512((const void *)(p + 192)));
    p += 256;
    length -= 256;
  }
  z1 = fold_wide(z0, k512, z1);
  z2 = fold_wide(z1, k512, z2);
  z3 = fold_wide(z2, k512, z3);
  // Four 16-byte lanes of 64 consecutive bytes: fold the first three onto the last.
  const __m128i k384 = _mm_set_epi64x((long long)fold_384_low, (long long)fold_384_high);
  const __m128i k256 = _mm_set_epi64x((long long)fold_256_low, (long long)fold_256_high);
  const __m128i k128 = _mm_set_epi64x((long long)fold_128_low, (long long)fold_128_high);
  __m128i last = _mm512_extracti32x4_epi32(z3, 3);
  last = fold(_mm512_extracti32x4_epi32(z3, 0), k384, last);
  last = fold(_mm512_extracti32x4_epi32(z3, 1), k256, last);
  last = fold(_mm512_extracti32x4_epi32(z3, 2), k128, last);
  crc = (uint32_t)_mm_crc32_u64(0, (uint64_t)_mm_cvtsi128_si64(last));
  crc = (uint32_t)_mm_crc32_u64(crc, (uint64_t)_mm_cvtsi128_si64(_mm_unpackhi_epi64(last, last)));
  return crc32c_hw_raw(crc, p, length);
}
#endif

static int has_hw_crc(void) {
#if defined(HAVE_X86_CRC)
  __builtin_cpu_init();
  if (!__builtin_cpu_supports("sse4.2")) return 0;
  if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512vl") && __builtin_cpu_supports("vpclmulqdq")) return 2;
  return 1;
#else
  return 1;
#endif
}
#else
static uint32_t crc32c_hw_raw(uint32_t crc, const uint8_t *p, size_t length) { return crc32c_sw_raw(crc, p, length); }
static int has_hw_crc(void) { return 0; }
#endif

// 0: table; 1: CRC instruction; 2: also 512-bit carry-less multiplication (VPCLMULQDQ).
static int use_hw_crc = 0;

static uint32_t crc32c(uint32_t initial, const uint8_t *data, size_t length) {
  uint32_t crc = ~initial;
#if defined(HAVE_X86_CRC)
  if (use_hw_crc == 2) return ~crc32c_avx512_raw(crc, data, length);
#endif
  crc = use_hw_crc ? crc32c_hw_raw(crc, data, length) : crc32c_sw_raw(crc, data, length);
  return ~crc;
}

// ---------------------------------------------------------------------------------------------
// Record framing inside a magic 2 batch (see record-batch.ts walkRecords for the same rules).

enum walk_result { WALK_OK = 0, WALK_INVALID_RECORD_COUNT = 1, WALK_INVALID_RECORD = 2, WALK_INVALID_OFFSET_DELTA = 3 };

// Why a record is invalid, so JavaScript can word the message.
enum walk_detail {
  DETAIL_NONE = 0,
  DETAIL_TOO_FEW_RECORDS = 1,
  DETAIL_BAD_VARINT = 2,
  DETAIL_BAD_VARLONG = 3,
  DETAIL_RECORD_LENGTH = 4,
  DETAIL_OFFSET_DELTA = 5,
  DETAIL_BAD_LENGTH = 6,
  DETAIL_HEADER_COUNT = 7,
  DETAIL_RECORD_TRAILING = 8,
  DETAIL_BATCH_TRAILING = 9,
};

struct walk_outcome {
  int32_t result;
  int32_t offset;
  int32_t index;
  int32_t detail;
  int32_t value;
};

static inline int32_t zigzag32(uint32_t raw) { return (int32_t)((raw >> 1) ^ (0u - (raw & 1))); }

// Zig-zag varint of at most 5 bytes; returns 0 when truncated or too long.
static inline int read_varint(const uint8_t *data, size_t *offset, size_t end, int32_t *value) {
  size_t at = *offset;
  // Unrolled when all five bytes a varint may take are in bounds (nearly always); lengths and
  // deltas in records take one or two bytes.
  if (__builtin_expect(end - at >= 5 && at < end, 1)) {
    const uint8_t *p = data + at;
    uint32_t raw = p[0];
    if (raw < 0x80) {
      *offset = at + 1;
      *value = zigzag32(raw);
      return 1;
    }
    raw = (raw & 0x7f) | ((uint32_t)p[1] << 7);
    if (p[1] < 0x80) {
      *offset = at + 2;
      *value = zigzag32(raw);
      return 1;
    }
    raw = (raw & 0x3fff) | ((uint32_t)p[2] << 14);
    if (p[2] < 0x80) {
      *offset = at + 3;
      *value = zigzag32(raw);
      return 1;
    }
    raw = (raw & 0x1fffff) | ((uint32_t)p[3] << 21);
    if (p[3] < 0x80) {
      *offset = at + 4;
      *value = zigzag32(raw);
      return 1;
    }
    if (p[4] > 0x0f) return 0;
    raw = (raw & 0xfffffff) | ((uint32_t)p[4] << 28);
    *offset = at + 5;
    *value = zigzag32(raw);
    return 1;
  }
  uint32_t raw = 0;
  for (int i = 0; i < 5; i++, at++) {
    if (at >= end) return 0;
    uint8_t byte = data[at];
    if (i == 4) {
      if (byte > 0x0f) return 0;
      raw |= (uint32_t)byte << 28;
      *offset = at + 1;
      *value = zigzag32(raw);
      return 1;
    }
    raw |= (uint32_t)(byte & 0x7f) << (7 * i);
    if (byte < 0x80) {
      *offset = at + 1;
      *value = zigzag32(raw);
      return 1;
    }
  }
  return 0;
}

static inline int skip_varlong(const uint8_t *data, size_t *offset, size_t end) {
  size_t at = *offset;
  if (__builtin_expect(at < end && data[at] < 0x80, 1)) {
    *offset = at + 1;
    return 1;
  }
  for (int i = 0; i < 10; i++, at++) {
    if (at >= end) return 0;
    uint8_t byte = data[at];
    if (i == 9 && byte > 0x01) return 0;
    if (byte < 0x80) {
      *offset = at + 1;
      return 1;
    }
  }
  return 0;
}

// A varint-length-prefixed byte string (-1 = null where nullable). On failure `*fail_at` is where
// the length starts and `*detail` says what was wrong.
static inline int skip_bytes(const uint8_t *data, size_t *offset, size_t limit, int nullable, size_t *fail_at, int32_t *detail) {
  size_t at = *offset;
  int32_t length;
  if (!read_varint(data, offset, limit, &length)) {
    *fail_at = at;
    *detail = DETAIL_BAD_VARINT;
    return 0;
  }
  if (length == -1 && nullable) return 1;
  if (length < 0 || (size_t)length > limit - *offset) {
    *fail_at = at;
    *detail = DETAIL_BAD_LENGTH;
    return 0;
  }
  *offset += (size_t)length;
  return 1;
}

// A byte string with a one- or two-byte length, for try_fast_record: 0 when anything is unusual.
static inline __attribute__((always_inline)) int skip_short_bytes(const uint8_t **cursor, const uint8_t *record_end, int nullable) {
  const uint8_t *p = *cursor;
  if (p >= record_end) return 0;
  uint32_t raw = p[0];
  if (raw < 0x80) {
    p += 1;
  } else {
    if (p[1] >= 0x80) return 0;
    raw = (raw & 0x7f) | ((uint32_t)p[1] << 7);
    p += 2;
  }
  if (raw & 1) {
    if (raw != 1 || !nullable) return 0;
  } else {
    if ((size_t)(record_end - p) < (raw >> 1) || record_end < p) return 0;
    p += raw >> 1;
  }
  *cursor = p;
  return 1;
}

// One record checked the quick way: the common encodings only (lengths of one or two bytes,
// timestamp and offset deltas of up to three, fewer than 64 headers) and no byte-by-byte bounds
// checks, which holds while the record ends at least 16 bytes before the batch. Returns 0 without
// side effects when unsure; walk_records then checks the same record the careful way, so this only
// ever says yes to records the careful walk also accepts.
static inline __attribute__((always_inline)) int try_fast_record(const uint8_t *data, size_t end, size_t *offset, int32_t index, int32_t last_offset_delta,
                                  int require_contiguous, int64_t *previous_delta) {
  const uint8_t *p = data + *offset;
  const uint8_t *limit = data + end;
  if (limit - p < 32) return 0;
  uint32_t raw = p[0];
  if (raw < 0x80) {
    p += 1;
  } else {
    if (p[1] >= 0x80) return 0;
    raw = (raw & 0x7f) | ((uint32_t)p[1] << 7);
    p += 2;
  }
  if ((raw & 1) || raw < 2) return 0;  // negative or empty record
  const uint8_t *record_end = p + (raw >> 1);
  if (record_end > limit - 16) return 0;
  p += 1;  // attributes
  if (p[0] < 0x80) p += 1;  // timestampDelta
  else if (p[1] < 0x80) p += 2;
  else if (p[2] < 0x80) p += 3;
  else return 0;
  if (p[0] < 0x80) {  // offsetDelta
    raw = p[0];
    p += 1;
  } else if (p[1] < 0x80) {
    raw = (p[0] & 0x7f) | ((uint32_t)p[1] << 7);
    p += 2;
  } else if (p[2] < 0x80) {
    raw = (p[0] & 0x7f) | ((uint32_t)(p[1] & 0x7f) << 7) | ((uint32_t)p[2] << 14);
    p += 3;
  } else {
    return 0;
  }
  int32_t offset_delta = zigzag32(raw);
  if (require_contiguous ? offset_delta != index : (offset_delta <= *previous_delta || offset_delta > last_offset_delta)) return 0;
  if (offset_delta > last_offset_delta) return 0;
  // key and value, then per header its key (never null) and value. A field is null (raw 1) or a
  // length; p stays within record_end, which is 16 bytes short of the batch end, between reads.
  if (!skip_short_bytes(&p, record_end, 1) || !skip_short_bytes(&p, record_end, 1)) return 0;
  if (p >= record_end || p[0] >= 0x80 || (p[0] & 1)) return 0;  // header count: small and not negative
  uint32_t header_count = p[0] >> 1;
  p += 1;
  for (uint32_t h = 0; h < header_count; h++) {
    if (!skip_short_bytes(&p, record_end, 0) || !skip_short_bytes(&p, record_end, 1)) return 0;
  }
  if (p != record_end) return 0;
  *previous_delta = offset_delta;
  *offset = (size_t)(record_end - data);
  return 1;
}

__attribute__((noinline)) static void walk_records(const uint8_t *data, size_t start, size_t end, int32_t record_count, int32_t last_offset_delta,
                         int require_contiguous, struct walk_outcome *out) {
  size_t offset = start;
  int64_t previous_delta = -1;
  size_t fail_at;
  int32_t detail;
  memset(out, 0, sizeof *out);
#define FAIL(res, at, det, val)     \
  do {                              \
    out->result = (res);            \
    out->offset = (int32_t)(at);    \
    out->index = index;             \
    out->detail = (det);            \
    out->value = (val);             \
    return;                         \
  } while (0)
  int32_t index = 0;
  for (; index < record_count; index++) {
    if (try_fast_record(data, end, &offset, index, last_offset_delta, require_contiguous, &previous_delta)) continue;
    size_t record_start = offset;
    if (record_start >= end) FAIL(WALK_INVALID_RECORD_COUNT, record_start, DETAIL_TOO_FEW_RECORDS, 0);
    int32_t length;
    if (!read_varint(data, &offset, end, &length)) FAIL(WALK_INVALID_RECORD, record_start, DETAIL_BAD_VARINT, 0);
    if (length < 1 || (size_t)length > end - offset) FAIL(WALK_INVALID_RECORD, record_start, DETAIL_RECORD_LENGTH, length);
    size_t record_end = offset + (size_t)length;
    // The fields are parsed with their own cursor and the next record starts at record_end, not
    // where the fields ended: the CPU then overlaps records instead of chaining every field read.
    size_t pos = offset + 1;  // attributes: int8, unused
    size_t at = pos;
    if (!skip_varlong(data, &pos, record_end)) FAIL(WALK_INVALID_RECORD, at, DETAIL_BAD_VARLONG, 0);
    at = pos;
    int32_t offset_delta;
    if (!read_varint(data, &pos, record_end, &offset_delta)) FAIL(WALK_INVALID_RECORD, at, DETAIL_BAD_VARINT, 0);
    if (offset_delta <= previous_delta || offset_delta > last_offset_delta || (require_contiguous && offset_delta != index)) {
      FAIL(WALK_INVALID_OFFSET_DELTA, record_start, DETAIL_OFFSET_DELTA, offset_delta);
    }
    previous_delta = offset_delta;
    if (!skip_bytes(data, &pos, record_end, 1, &fail_at, &detail)) FAIL(WALK_INVALID_RECORD, fail_at, detail, 0);
    if (!skip_bytes(data, &pos, record_end, 1, &fail_at, &detail)) FAIL(WALK_INVALID_RECORD, fail_at, detail, 0);
    at = pos;
    int32_t header_count;
    if (!read_varint(data, &pos, record_end, &header_count)) FAIL(WALK_INVALID_RECORD, at, DETAIL_BAD_VARINT, 0);
    // Each header takes at least two bytes, which bounds the loop by the bytes left.
    if (header_count < 0 || (int64_t)header_count * 2 > (int64_t)(record_end - pos)) {
      FAIL(WALK_INVALID_RECORD, record_start, DETAIL_HEADER_COUNT, header_count);
    }
    for (int32_t h = 0; h < header_count; h++) {
      if (!skip_bytes(data, &pos, record_end, 0, &fail_at, &detail)) FAIL(WALK_INVALID_RECORD, fail_at, detail, 0);
      if (!skip_bytes(data, &pos, record_end, 1, &fail_at, &detail)) FAIL(WALK_INVALID_RECORD, fail_at, detail, 0);
    }
    if (pos != record_end) FAIL(WALK_INVALID_RECORD, record_start, DETAIL_RECORD_TRAILING, (int32_t)(record_end - pos));
    offset = record_end;
  }
  if (offset != end) FAIL(WALK_INVALID_RECORD, offset, DETAIL_BATCH_TRAILING, (int32_t)(end - offset));
#undef FAIL
}

// ---------------------------------------------------------------------------------------------
// Node-API bindings. Arguments are checked here, so a bad call is a JavaScript TypeError, never a
// read out of bounds.

static int get_bytes(napi_env env, napi_value value, const uint8_t **data, size_t *length) {
  napi_typedarray_type type;
  void *raw;
  napi_value arraybuffer;
  size_t offset;
  if (napi_get_typedarray_info(env, value, &type, length, &raw, &arraybuffer, &offset) != napi_ok || type != napi_uint8_array) {
    napi_throw_type_error(env, NULL, "expected a Buffer or Uint8Array");
    return 0;
  }
  *data = (const uint8_t *)raw;
  return 1;
}

static int get_uint32(napi_env env, napi_value value, uint32_t *out) {
  if (napi_get_value_uint32(env, value, out) != napi_ok) {
    napi_throw_type_error(env, NULL, "expected a number");
    return 0;
  }
  return 1;
}

static int get_int32(napi_env env, napi_value value, int32_t *out) {
  if (napi_get_value_int32(env, value, out) != napi_ok) {
    napi_throw_type_error(env, NULL, "expected a number");
    return 0;
  }
  return 1;
}

// Stores [result, offset, index, detail, value] of a walk fault into `array` from `first` on.
static void set_fault_elements(napi_env env, napi_value array, uint32_t first, const struct walk_outcome *outcome) {
  int32_t fields[5] = {outcome->result, outcome->offset, outcome->index, outcome->detail, outcome->value};
  for (uint32_t i = 0; i < 5; i++) {
    napi_value item;
    napi_create_int32(env, fields[i], &item);
    napi_set_element(env, array, first + i, item);
  }
}

static int get_bool(napi_env env, napi_value value, bool *out) {
  if (napi_get_value_bool(env, value, out) != napi_ok) {
    napi_throw_type_error(env, NULL, "expected a boolean");
    return 0;
  }
  return 1;
}

// crc32c(bytes, initial, start, end): the CRC-32C of bytes[start, end), continuing `initial`.
static napi_value js_crc32c(napi_env env, napi_callback_info info) {
  size_t argc = 4;
  napi_value argv[4];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  const uint8_t *data;
  size_t length;
  uint32_t initial, start, end;
  if (argc < 4 || !get_bytes(env, argv[0], &data, &length) || !get_uint32(env, argv[1], &initial) || !get_uint32(env, argv[2], &start) ||
      !get_uint32(env, argv[3], &end)) {
    return NULL;
  }
  if (start > end || end > length) {
    napi_throw_range_error(env, NULL, "crc32c range outside the buffer");
    return NULL;
  }
  napi_value result;
  napi_create_uint32(env, crc32c(initial, data + start, end - start), &result);
  return result;
}

// walkRecords(bytes, start, end, recordCount, lastOffsetDelta, requireContiguous): undefined when
// the framing is sound, else [result, offset, index, detail, value].
static napi_value js_walk_records(napi_env env, napi_callback_info info) {
  size_t argc = 6;
  napi_value argv[6];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  const uint8_t *data;
  size_t length;
  uint32_t start, end;
  int32_t record_count, last_offset_delta;
  bool require_contiguous;
  if (argc < 6 || !get_bytes(env, argv[0], &data, &length) || !get_uint32(env, argv[1], &start) || !get_uint32(env, argv[2], &end) ||
      !get_int32(env, argv[3], &record_count) || !get_int32(env, argv[4], &last_offset_delta) || !get_bool(env, argv[5], &require_contiguous)) {
    return NULL;
  }
  if (start > end || end > length) {
    napi_throw_range_error(env, NULL, "record range outside the buffer");
    return NULL;
  }
  struct walk_outcome outcome;
  walk_records(data, start, end, record_count, last_offset_delta, require_contiguous, &outcome);
  napi_value result;
  if (outcome.result == WALK_OK) {
    napi_get_undefined(env, &result);
    return result;
  }
  napi_create_array_with_length(env, 5, &result);
  set_fault_elements(env, result, 0, &outcome);
  return result;
}

// checkBatch(bytes, end, recordCount, lastOffsetDelta, requireContiguous, walk): the CRC-32C of
// bytes[21, end) (a magic 2 batch's checksummed part) and, when `walk`, the framing of the records
// in bytes[61, end), in one call. Returns the CRC when the framing is sound (or not walked), else
// [crc, result, offset, index, detail, value].
static napi_value js_check_batch(napi_env env, napi_callback_info info) {
  size_t argc = 6;
  napi_value argv[6];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  const uint8_t *data;
  size_t length;
  uint32_t end;
  int32_t record_count, last_offset_delta;
  bool require_contiguous, walk;
  if (argc < 6 || !get_bytes(env, argv[0], &data, &length) || !get_uint32(env, argv[1], &end) || !get_int32(env, argv[2], &record_count) ||
      !get_int32(env, argv[3], &last_offset_delta) || !get_bool(env, argv[4], &require_contiguous) || !get_bool(env, argv[5], &walk)) {
    return NULL;
  }
  if (end > length || end < 61) {
    napi_throw_range_error(env, NULL, "batch end outside the buffer");
    return NULL;
  }
  uint32_t crc = crc32c(0, data + 21, end - 21);
  struct walk_outcome outcome = {WALK_OK, 0, 0, 0, 0};
  if (walk) walk_records(data, 61, end, record_count, last_offset_delta, require_contiguous, &outcome);
  napi_value result;
  if (outcome.result == WALK_OK) {
    napi_create_uint32(env, crc, &result);
    return result;
  }
  napi_create_array_with_length(env, 6, &result);
  napi_value item;
  napi_create_uint32(env, crc, &item);
  napi_set_element(env, result, 0, item);
  set_fault_elements(env, result, 1, &outcome);
  return result;
}

static napi_value js_crc32c_uses_hardware(napi_env env, napi_callback_info info) {
  (void)info;
  napi_value result;
  napi_get_boolean(env, use_hw_crc, &result);
  return result;
}

NAPI_MODULE_INIT() {
  init_tables();
  use_hw_crc = has_hw_crc();
#if defined(HAVE_X86_CRC)
  init_fold_constants();
#endif
  napi_property_descriptor properties[] = {
      {"crc32c", NULL, js_crc32c, NULL, NULL, NULL, napi_enumerable, NULL},
      {"walkRecords", NULL, js_walk_records, NULL, NULL, NULL, napi_enumerable, NULL},
      {"checkBatch", NULL, js_check_batch, NULL, NULL, NULL, napi_enumerable, NULL},
      {"crc32cUsesHardware", NULL, js_crc32c_uses_hardware, NULL, NULL, NULL, napi_enumerable, NULL},
  };
  napi_define_properties(env, exports, sizeof properties / sizeof properties[0], properties);
  return exports;
}
