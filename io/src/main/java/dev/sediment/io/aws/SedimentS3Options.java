package dev.sediment.io.aws;

import org.apache.beam.sdk.io.aws2.options.S3Options;
import org.apache.beam.sdk.options.Default;
import org.apache.beam.sdk.options.Description;

/**
 * S3 settings Beam's {@link S3Options} lacks, read by {@link S3CompatibleClientBuilderFactory}.
 * Endpoint, region and credentials stay Beam's own options ({@code --endpoint}, {@code
 * --awsRegion}, {@code --awsCredentialsProvider}).
 */
public interface SedimentS3Options extends S3Options {
  @Description(
      "Address buckets as ENDPOINT/BUCKET/KEY instead of BUCKET.ENDPOINT/KEY. Most S3-compatible"
          + " servers (MinIO, Ceph, S3Mock) need this.")
  @Default.Boolean(false)
  boolean getS3PathStyleAccess();

  void setS3PathStyleAccess(boolean value);
}
