/*
 * mseed_gen OUT ENCODING RECLEN SAMPLES SEED
 *
 * Writes a miniSEED 2 file with libmseed's msr_pack: one channel (XX.BENCH.00.HHZ, 100 Hz) of
 * seismic-like integer counts: band-limited noise (second-order resonator driven by white noise)
 * plus a few hundred decaying wave trains (events). ENCODING is 10 (Steim-1) or 11 (Steim-2).
 * Deterministic for a given SEED. Used by bench/run-decode-bench.
 */
#include <libmseed.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static FILE *out;

static void handler(char *rec, int len, void *data) {
  (void)data;
  if (fwrite(rec, 1, (size_t)len, out) != (size_t)len) {
    perror("mseed_gen: write");
    exit(1);
  }
}

static uint64_t rng;
static double uniform(void) { /* xorshift64* in (0, 1) */
  rng ^= rng >> 12;
  rng ^= rng << 25;
  rng ^= rng >> 27;
  return ((rng * 2685821657736338717ULL) >> 11) * (1.0 / 9007199254740992.0) + 1e-300;
}
static double gauss(void) { return sqrt(-2.0 * log(uniform())) * cos(6.283185307179586 * uniform()); }

int main(int argc, char **argv) {
  if (argc != 6) {
    fprintf(stderr, "usage: mseed_gen OUT ENCODING(10|11) RECLEN SAMPLES SEED\n");
    return 2;
  }
  int encoding = atoi(argv[2]);
  int reclen = atoi(argv[3]);
  int64_t total = atoll(argv[4]);
  rng = (uint64_t)atoll(argv[5]) * 0x9E3779B97F4A7C15ULL + 1;
  out = fopen(argv[1], "wb");
  if (!out) {
    perror(argv[1]);
    return 1;
  }
  int32_t *data = malloc(sizeof(int32_t) * (size_t)total);
  if (!data) {
    fprintf(stderr, "mseed_gen: out of memory\n");
    return 1;
  }
  /* resonator: y[n] = a1 y[n-1] - a2 y[n-2] + x[n], pole radius 0.97 at 4 Hz of 100 Hz */
  double r = 0.97, w = 2 * 3.141592653589793 * 4.0 / 100.0;
  double a1 = 2 * r * cos(w), a2 = r * r;
  double y1 = 0, y2 = 0, ev = 0, evPhase = 0, evFreq = 0;
  for (int64_t i = 0; i < total; i++) {
    double y = a1 * y1 - a2 * y2 + 40.0 * gauss();
    y2 = y1;
    y1 = y;
    if (uniform() < 1.0 / 200000) { /* an event every ~33 minutes at 100 Hz */
      ev = 20000 + 200000 * uniform();
      evFreq = 2 * 3.141592653589793 * (1 + 8 * uniform()) / 100.0;
    }
    evPhase += evFreq;
    data[i] = (int32_t)lrint(y + ev * sin(evPhase));
    ev *= 0.9995;
  }
  MSRecord *msr = msr_init(NULL);
  strcpy(msr->network, "XX");
  strcpy(msr->station, "BENCH");
  strcpy(msr->location, "00");
  strcpy(msr->channel, "HHZ");
  msr->samprate = 100.0;
  msr->reclen = reclen;
  msr->encoding = (int8_t)encoding;
  msr->byteorder = 1;
  msr->dataquality = 'D';
  msr->starttime = ms_timestr2hptime("2026-01-01T00:00:00");
  msr->sampletype = 'i';
  msr->datasamples = data;
  msr->numsamples = total;
  int64_t packed = 0;
  int records = msr_pack(msr, handler, NULL, &packed, 1, 0);
  if (records < 0 || packed != total) {
    fprintf(stderr, "mseed_gen: msr_pack failed (%d records, %lld of %lld samples)\n", records,
            (long long)packed, (long long)total);
    return 1;
  }
  printf("mseed_gen: %s: %d records of %d bytes, %lld samples\n", argv[1], records, reclen,
         (long long)packed);
  msr->datasamples = NULL;
  msr_free(&msr);
  fclose(out);
  free(data);
  return 0;
}
