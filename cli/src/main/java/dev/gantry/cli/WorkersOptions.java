package dev.gantry.cli;

import dev.gantry.workers.WorkersServer;
import dev.gantry.workers.WorkersTools;
import dev.gantry.workers.store.S3ObjectStore;
import java.io.PrintWriter;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** Where `gantry workers serve` keeps its data and listens: flags, then GANTRY_* variables. */
final class WorkersOptions {
  @Option(
      names = "--data-dir",
      defaultValue = "${env:GANTRY_WORKERS_DATA:-.gantry/workers}",
      description =
          "Metadata, secrets, runtime files and (without S3) scripts. Default: ${DEFAULT-VALUE}.")
  Path dataDirectory;

  @Option(
      names = "--host",
      defaultValue = "${env:GANTRY_WORKERS_HOST:-127.0.0.1}",
      description = "Address of the API and the router. Default: ${DEFAULT-VALUE}.")
  String host;

  @Option(
      names = "--api-port",
      defaultValue = "${env:GANTRY_WORKERS_API_PORT:-8787}",
      description = "Port of the Cloudflare-compatible API. Default: ${DEFAULT-VALUE}.")
  int apiPort;

  @Option(
      names = "--router-port",
      defaultValue = "${env:GANTRY_WORKERS_ROUTER_PORT:-8788}",
      description = "Port where workers answer client traffic. Default: ${DEFAULT-VALUE}.")
  int routerPort;

  @Option(
      names = "--tail-port",
      defaultValue = "${env:GANTRY_WORKERS_TAIL_PORT:-8789}",
      description = "Port wrangler tail reads a worker's logs from. Default: ${DEFAULT-VALUE}.")
  int tailPort;

  @Option(
      names = "--domain",
      defaultValue = "${env:GANTRY_WORKERS_DOMAIN:-" + WorkersServer.Settings.DEFAULT_DOMAIN + "}",
      description =
          "Workers answer at <script>.<account subdomain>.<domain>. Default: ${DEFAULT-VALUE}.")
  String domain;

  @Option(
      names = "--workerd",
      defaultValue = "${env:GANTRY_WORKERD}",
      description = "The workerd binary. Default: the build's workers/tools, then PATH.")
  Path workerd;

  @Option(
      names = "--max-upload-bytes",
      defaultValue = "${env:GANTRY_WORKERS_MAX_UPLOAD_BYTES:-10485760}",
      description = "Largest accepted upload. Default: ${DEFAULT-VALUE} (10 MiB).")
  long maxUploadBytes;

  @Option(
      names = "--s3-bucket",
      defaultValue = "${env:GANTRY_S3_BUCKET}",
      description = "Keep scripts in this S3 bucket instead of the data directory.")
  String s3Bucket;

  @Option(
      names = "--s3-endpoint",
      defaultValue = "${env:GANTRY_S3_ENDPOINT}",
      description = "URL of an S3-compatible server (default: the AWS SDK's).")
  String s3Endpoint;

  @Option(
      names = "--s3-region",
      defaultValue = "${env:GANTRY_S3_REGION:-us-east-1}",
      description = "S3 region. Default: ${DEFAULT-VALUE}.")
  String s3Region;

  @Option(
      names = "--s3-path-style",
      defaultValue = "${env:GANTRY_S3_PATH_STYLE:-false}",
      description = "Address the bucket in the path (most S3-compatible servers want this).")
  boolean s3PathStyle;

  @Option(
      names = "--s3-access-key",
      defaultValue = "${env:GANTRY_S3_ACCESS_KEY}",
      description = "With GANTRY_S3_SECRET_KEY, static credentials (default: the AWS SDK's chain).")
  String s3AccessKey;

  String s3SecretKey() {
    return System.getenv("GANTRY_S3_SECRET_KEY");
  }

  /**
   * The settings; {@code progress} hears of a first-use install of the Workers tools (a build for
   * the operator alone skips them).
   */
  WorkersServer.Settings settings(PrintWriter progress) {
    S3ObjectStore.Settings s3 = null;
    if (s3Bucket != null && !s3Bucket.isBlank()) {
      if (s3AccessKey != null && s3SecretKey() == null) {
        throw new UserError(
            "--s3-access-key is set but GANTRY_S3_SECRET_KEY is not: set it in the environment");
      }
      s3 =
          new S3ObjectStore.Settings(
              s3Endpoint, s3Region, s3Bucket, s3PathStyle, s3AccessKey, s3SecretKey());
    }
    return new WorkersServer.Settings(
        dataDirectory,
        host,
        apiPort,
        routerPort,
        tailPort,
        domain,
        workerd != null ? workerd : workerd(progress),
        maxUploadBytes,
        s3);
  }

  private static Path workerd(PrintWriter progress) {
    if (System.getenv("GANTRY_WORKERD") == null) {
      try {
        WorkersTools.locate().ifPresent(tools -> tools.ensureInstalled(progress));
      } catch (IllegalStateException e) {
        throw new UserError(e.getMessage());
      }
    }
    return WorkersServer.defaultWorkerd();
  }

  /** The effective configuration, once, secrets masked. */
  static void print(WorkersServer.Settings s, PrintWriter out) {
    out.println("  data directory:  " + s.dataDirectory().toAbsolutePath());
    out.println("  object store:    " + (s.s3() == null ? "filesystem (data directory)" : s.s3()));
    out.println("  workerd:         " + s.workerd());
    out.println("  max upload:      " + s.maxUploadBytes() + " bytes");
    out.println("  domain:          " + s.domain());
  }
}
