/*
 * mseed_read FILE RECLEN REPEAT
 *
 * The libmseed peer of the decode benchmark: reads every record of FILE with ms_readmsr and
 * unpacks its samples (dataflag 1), REPEAT times, and prints the best pass as
 * "records samples seconds Msamples/s". RECLEN 0 lets libmseed detect the record length.
 */
#include <libmseed.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static double now(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec + t.tv_nsec * 1e-9;
}

int main(int argc, char **argv) {
  if (argc != 4) {
    fprintf(stderr, "usage: mseed_read FILE RECLEN REPEAT\n");
    return 2;
  }
  int reclen = atoi(argv[2]);
  int repeat = atoi(argv[3]);
  double best = 1e30;
  int64_t samples = 0, records = 0;
  int64_t check = 0;
  for (int r = 0; r < repeat; r++) {
    MSRecord *msr = NULL;
    int rc;
    samples = 0;
    records = 0;
    double t0 = now();
    while ((rc = ms_readmsr(&msr, argv[1], reclen, NULL, NULL, 1, 1, 0)) == MS_NOERROR) {
      samples += msr->numsamples;
      records++;
      check += ((int32_t *)msr->datasamples)[msr->numsamples - 1];
    }
    double t = now() - t0;
    ms_readmsr(&msr, NULL, 0, NULL, NULL, 0, 0, 0);
    if (rc != MS_ENDOFFILE) {
      fprintf(stderr, "mseed_read: %s: %s\n", argv[1], ms_errorstr(rc));
      return 1;
    }
    if (t < best) {
      best = t;
    }
  }
  printf("%lld %lld %.6f %.1f (check %lld)\n", (long long)records, (long long)samples, best,
         samples / best / 1e6, (long long)check);
  return 0;
}
