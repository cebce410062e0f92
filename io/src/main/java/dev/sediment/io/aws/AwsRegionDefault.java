package dev.sediment.io.aws;

import java.util.Collection;
import java.util.Locale;
import java.util.Optional;
import org.apache.beam.sdk.io.aws2.options.AwsOptions;
import org.apache.beam.sdk.options.PipelineOptions;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.regions.providers.AwsProfileRegionProvider;
import software.amazon.awssdk.regions.providers.AwsRegionProvider;
import software.amazon.awssdk.regions.providers.SystemSettingsRegionProvider;

/**
 * Keeps a job that never touches S3 from asking the EC2 instance metadata service for its region.
 *
 * <p>Beam resolves {@code --awsRegion} when {@code FileSystems.setDefaultPipelineOptions} builds
 * the S3 file system, for every job, whether or not it reads a bucket. Left unset, the default is
 * the AWS SDK's whole region chain, whose last step is an HTTP call to the instance metadata
 * service: away from EC2 it waits for its connection to fail, about 0.8 s of every command here.
 * {@link #setUnlessS3} sets the region when no argument names an {@code s3://} location: to what
 * the chain's local steps give (the {@code AWS_REGION} environment variable, the {@code
 * aws.region} system property, the profile file) or else to {@link Region#AWS_GLOBAL}, which no
 * request then uses. A job that names a bucket keeps Beam's default, metadata service included.
 */
public final class AwsRegionDefault {
  private AwsRegionDefault() {}

  /**
   * Sets {@code --awsRegion} on {@code options} unless it is set already or one of {@code
   * arguments} (the command line, file arguments included) names an {@code s3://} location.
   * Returns the region set, or empty when it left the option alone.
   */
  public static Optional<Region> setUnlessS3(
      PipelineOptions options, Collection<String> arguments) {
    for (String a : arguments) {
      String lower = a.toLowerCase(Locale.ROOT);
      if (lower.startsWith("--awsregion=") || lower.equals("--awsregion") || lower.contains("s3://")) {
        return Optional.empty();
      }
    }
    Region region =
        local(new SystemSettingsRegionProvider())
            .or(() -> local(new AwsProfileRegionProvider()))
            .orElse(Region.AWS_GLOBAL);
    options.as(AwsOptions.class).setAwsRegion(region);
    return Optional.of(region);
  }

  private static Optional<Region> local(AwsRegionProvider provider) {
    try {
      return Optional.ofNullable(provider.getRegion());
    } catch (SdkClientException | IllegalArgumentException e) {
      // Not configured there (or named wrongly): the next step decides.
      return Optional.empty();
    }
  }
}
