package dev.hangar.driver.aws;

import java.time.Duration;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.retries.api.BackoffStrategy;
import software.amazon.awssdk.retries.api.RetryStrategy;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.Ec2ClientBuilder;

/**
 * Builds the EC2 client of one command. Throttling ({@code RequestLimitExceeded}), 5xx answers
 * and dropped connections are retried by the SDK's standard retry strategy with Hangar's bounds;
 * the client is closed with the command.
 */
final class Ec2Clients {
  private static final Duration CONNECT = Duration.ofSeconds(10);
  private static final Duration READ = Duration.ofSeconds(60);

  private Ec2Clients() {}

  static Ec2Client create(AwsSettings s, AwsTimeouts t) {
    Ec2ClientBuilder b = Ec2Client.builder()
        .region(Region.of(s.region()))
        .credentialsProvider(credentials(s))
        .httpClientBuilder(UrlConnectionHttpClient.builder()
            .connectionTimeout(CONNECT).socketTimeout(READ))
        .overrideConfiguration(c -> c.retryStrategy(retries(t)));
    if (s.endpoint() != null) {
      b.endpointOverride(s.endpoint());
    }
    return b.build();
  }

  static RetryStrategy retries(AwsTimeouts t) {
    return AwsRetryStrategy.standardRetryStrategy().toBuilder()
        .maxAttempts(t.maxAttempts())
        .backoffStrategy(BackoffStrategy.exponentialDelay(t.retryBase(), Duration.ofSeconds(20)))
        .throttlingBackoffStrategy(
            BackoffStrategy.exponentialDelay(t.throttlingBase(), Duration.ofSeconds(20)))
        .build();
  }

  private static AwsCredentialsProvider credentials(AwsSettings s) {
    if (s.accessKeyId().isEmpty()) {
      return DefaultCredentialsProvider.builder().build();
    }
    return StaticCredentialsProvider.create(
        AwsBasicCredentials.create(s.accessKeyId(), s.secretKey()));
  }
}
