package dev.gantry.workers.store;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;

/** Objects in a bucket of any S3-compatible server (AWS SDK v2). */
public final class S3ObjectStore implements ObjectStore, AutoCloseable {
  /**
   * Where the bucket is.
   *
   * @param endpoint the server's URL; null for the SDK's default
   * @param region the region (any name for most S3-compatible servers)
   * @param bucket the bucket, which must exist
   * @param pathStyle address the bucket in the path instead of the host name
   * @param accessKey with {@code secretKey}, static credentials; null for the SDK's default chain
   * @param secretKey the secret of {@code accessKey}
   */
  public record Settings(
      String endpoint,
      String region,
      String bucket,
      boolean pathStyle,
      String accessKey,
      String secretKey) {
    @Override
    public String toString() {
      return "s3 bucket "
          + bucket
          + (endpoint == null ? "" : " at " + endpoint)
          + " (region "
          + region
          + (pathStyle ? ", path-style" : "")
          + (accessKey == null ? ", default credentials" : ", access key " + accessKey)
          + ")";
    }
  }

  private final S3Client s3;
  private final String bucket;

  public S3ObjectStore(Settings settings) {
    var builder =
        S3Client.builder()
            .region(Region.of(settings.region()))
            .forcePathStyle(settings.pathStyle())
            .credentialsProvider(
                settings.accessKey() == null
                    ? DefaultCredentialsProvider.builder().build()
                    : StaticCredentialsProvider.create(
                        AwsBasicCredentials.create(settings.accessKey(), settings.secretKey())));
    if (settings.endpoint() != null) {
      builder.endpointOverride(URI.create(settings.endpoint()));
    }
    this.s3 = builder.build();
    this.bucket = settings.bucket();
  }

  @Override
  public void put(String key, byte[] content) {
    s3.putObject(b -> b.bucket(bucket).key(ObjectKeys.check(key)), RequestBody.fromBytes(content));
  }

  @Override
  public Optional<byte[]> get(String key) {
    try {
      return Optional.of(
          s3.getObjectAsBytes(b -> b.bucket(bucket).key(ObjectKeys.check(key))).asByteArray());
    } catch (NoSuchKeyException e) {
      return Optional.empty();
    }
  }

  @Override
  public void delete(String key) {
    s3.deleteObject(b -> b.bucket(bucket).key(ObjectKeys.check(key)));
  }

  @Override
  public List<String> list(String prefix) {
    List<String> keys = new ArrayList<>();
    s3.listObjectsV2Paginator(ListObjectsV2Request.builder().bucket(bucket).prefix(prefix).build())
        .contents()
        .forEach(o -> keys.add(o.key()));
    keys.sort(null);
    return keys;
  }

  @Override
  public void close() {
    s3.close();
  }
}
