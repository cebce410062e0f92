/* Prints every record of a miniSEED 2 file as libmseed 2 decodes it, for MseedLibmseedTest:
 *   R <NET_STA_LOC_CHAN> <start, us since 1970> <sample rate %.17g> <sample count> <encoding> <reclen>
 * then one sample per line (integers as %d, floats as %.17g of the exact value). */
#include <stdio.h>
#include <libmseed.h>

int main(int argc, char **argv) {
  MSRecord *msr = NULL;
  char src[64];
  int rc;
  int64_t i;
  if (argc != 2) {
    fprintf(stderr, "usage: msdump FILE\n");
    return 2;
  }
  while ((rc = ms_readmsr(&msr, argv[1], 0, NULL, NULL, 1, 1, 0)) == MS_NOERROR) {
    msr_srcname(msr, src, 0);
    printf("R %s %lld %.17g %lld %d %d\n", src, (long long)msr->starttime, msr->samprate,
           (long long)msr->samplecnt, msr->encoding, msr->reclen);
    for (i = 0; i < msr->numsamples; i++) {
      switch (msr->sampletype) {
      case 'i': printf("%d\n", ((int32_t *)msr->datasamples)[i]); break;
      case 'f': printf("%.17g\n", (double)((float *)msr->datasamples)[i]); break;
      case 'd': printf("%.17g\n", ((double *)msr->datasamples)[i]); break;
      case 'a': printf("%d\n", ((unsigned char *)msr->datasamples)[i]); break;
      default: fprintf(stderr, "unknown sample type %c\n", msr->sampletype); return 1;
      }
    }
  }
  ms_readmsr(&msr, NULL, 0, NULL, NULL, 0, 0, 0);
  if (rc != MS_ENDOFFILE) {
    fprintf(stderr, "libmseed error: %s\n", ms_errorstr(rc));
    return 1;
  }
  return 0;
}
