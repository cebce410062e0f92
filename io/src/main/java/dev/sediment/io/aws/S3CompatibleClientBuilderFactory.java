package dev.sediment.io.aws;

import org.apache.beam.sdk.io.aws2.options.S3ClientBuilderFactory;
import org.apache.beam.sdk.io.aws2.options.S3Options;
import org.apache.beam.sdk.io.aws2.s3.DefaultS3ClientBuilderFactory;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.services.s3.S3ClientBuilder;
import software.amazon.awssdk.services.s3.S3Configuration;

/**
 * Beam's S3 client, plus path-style addressing ({@code --s3PathStyleAccess=true}) and, when an
 * {@code --endpoint} is set, chunked encoding off: some S3-compatible servers store the
 * aws-chunked frames inside the object instead of decoding them, and Beam's explicit {@code
 * x-amz-server-side-encryption-bucket-key-enabled: false} (the default anyway) is dropped, since
 * servers without SSE answer it with 501 Not Implemented. Select it with {@code
 * --s3ClientFactoryClass=dev.sediment.io.aws.S3CompatibleClientBuilderFactory} (bin/sediment
 * does so unless told otherwise).
 */
public class S3CompatibleClientBuilderFactory implements S3ClientBuilderFactory {
  private final DefaultS3ClientBuilderFactory delegate = new DefaultS3ClientBuilderFactory();

  @Override
  public S3ClientBuilder createBuilder(S3Options options) {
    S3ClientBuilder builder = delegate.createBuilder(options);
    boolean pathStyle = options.as(SedimentS3Options.class).getS3PathStyleAccess();
    boolean customEndpoint = options.getEndpoint() != null;
    if (pathStyle || customEndpoint) {
      builder.serviceConfiguration(
          S3Configuration.builder()
              .pathStyleAccessEnabled(pathStyle)
              .chunkedEncodingEnabled(!customEndpoint)
              .build());
    }
    if (customEndpoint) {
      builder.overrideConfiguration(
          builder.overrideConfiguration().toBuilder()
              .addExecutionInterceptor(new DropDefaultBucketKeyHeader())
              .build());
    }
    return builder;
  }

  /** Removes the bucket-key header when it only restates the default ({@code false}). */
  static final class DropDefaultBucketKeyHeader implements ExecutionInterceptor {
    static final String HEADER = "x-amz-server-side-encryption-bucket-key-enabled";

    @Override
    public SdkHttpRequest modifyHttpRequest(
        Context.ModifyHttpRequest context, ExecutionAttributes attributes) {
      SdkHttpRequest request = context.httpRequest();
      return request
              .firstMatchingHeader(HEADER)
              .filter("false"::equalsIgnoreCase)
              .isPresent()
          ? request.toBuilder().removeHeader(HEADER).build()
          : request;
    }
  }
}
