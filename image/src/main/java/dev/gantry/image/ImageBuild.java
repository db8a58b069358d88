package dev.gantry.image;

import com.google.cloud.tools.jib.api.Containerizer;
import com.google.cloud.tools.jib.api.ImageReference;
import com.google.cloud.tools.jib.api.Jib;
import com.google.cloud.tools.jib.api.JibContainerBuilder;
import com.google.cloud.tools.jib.api.RegistryImage;
import com.google.cloud.tools.jib.api.TarImage;
import com.google.cloud.tools.jib.api.buildplan.AbsoluteUnixPath;
import com.google.cloud.tools.jib.api.buildplan.FileEntriesLayer;
import com.google.cloud.tools.jib.api.buildplan.FilePermissions;
import com.google.cloud.tools.jib.api.buildplan.ImageFormat;
import com.google.cloud.tools.jib.frontend.CredentialRetrieverFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * Builds the Gantry image as an OCI tarball with Jib, without a Docker engine and without pulling a
 * base: the base is assembled here from the build machine's own Debian packages (a Java runtime
 * made by jlink from the installed JDK, plus the shared libraries it links against, found with
 * ldd), then the CLI's shaded jar goes on top. Import it into a node with {@code ctr -n k8s.io
 * images import image/target/gantry-image.tar}.
 */
public final class ImageBuild {
  /** What the shaded jar uses of the JDK (HTTP clients and servers, TLS, JMX for metrics, XML). */
  static final List<String> MODULES =
      List.of(
          "java.base",
          "java.logging",
          "java.management",
          "java.naming",
          "java.net.http",
          "java.security.jgss",
          "java.sql",
          "java.xml",
          "java.desktop",
          "java.instrument",
          "jdk.crypto.ec",
          "jdk.crypto.cryptoki",
          "jdk.unsupported",
          "jdk.zipfs",
          "jdk.management");

  static final AbsoluteUnixPath JAVA_HOME = AbsoluteUnixPath.get("/opt/java");
  static final AbsoluteUnixPath APP = AbsoluteUnixPath.get("/app/gantry.jar");

  private ImageBuild() {}

  public static void main(String[] args) throws Exception {
    Path jar = Path.of(args[0]);
    Path target = Path.of(args[1]);
    String name = args.length > 2 ? args[2] : "gantry:latest";
    // Push too: the registry is the one the name says, with the credentials docker login keeps
    // (~/.docker/config.json and its credential helpers), as docker push would find them.
    boolean push = args.length > 3 && Boolean.parseBoolean(args[3]);
    // Plain HTTP, for a registry on this machine (a test's, or one behind a tunnel) only.
    boolean insecure = args.length > 4 && Boolean.parseBoolean(args[4]);
    if (!Files.isRegularFile(jar)) {
      throw new IllegalStateException(jar + " is missing: package the CLI first");
    }
    Path runtime = Runtime.jlink(target.resolve("image-runtime"), MODULES);
    FileEntriesLayer.Builder libraries = FileEntriesLayer.builder().setName("libraries");
    for (Path library : Runtime.sharedLibraries(runtime)) {
      // Under the same path, so the runtime's dynamic loader finds each where ldd did.
      // Executable as on the build machine: the dynamic loader itself is exec'd by the kernel.
      libraries.addEntry(
          library.toRealPath(),
          AbsoluteUnixPath.get(library.toString()),
          FilePermissions.fromOctalString("755"));
    }
    FileEntriesLayer.Builder jre = FileEntriesLayer.builder().setName("java-runtime");
    try (var files = Files.walk(runtime)) {
      for (Path f : files.filter(Files::isRegularFile).sorted().toList()) {
        jre.addEntry(
            f,
            JAVA_HOME.resolve(runtime.relativize(f).toString()),
            Files.isExecutable(f)
                ? FilePermissions.fromOctalString("755")
                : FilePermissions.DEFAULT_FILE_PERMISSIONS);
      }
    }
    Path tar = target.resolve("gantry-image.tar");
    JibContainerBuilder image =
        Jib.fromScratch()
            .setFormat(ImageFormat.OCI)
            .addFileEntriesLayer(libraries.build())
            .addFileEntriesLayer(jre.build())
            .addFileEntriesLayer(
                FileEntriesLayer.builder().setName("gantry").addEntry(jar, APP).build())
            .setEnvironment(Map.of("JAVA_HOME", JAVA_HOME.toString(), "HOME", "/tmp"))
            .setEntrypoint(
                JAVA_HOME.resolve("bin/java").toString(),
                "-XX:MaxRAMPercentage=75",
                "-Djava.io.tmpdir=/tmp",
                "-jar",
                APP.toString())
            .setProgramArguments("operator", "--leader-election")
            .setUser("65532")
            .setCreationTime(Instant.EPOCH);
    ImageReference reference = ImageReference.parse(name);
    image.containerize(Containerizer.to(TarImage.at(tar).named(reference)));
    System.out.println("image " + name + " written to " + tar + " (" + size(tar) + ")");
    if (push) {
      RegistryImage registry =
          RegistryImage.named(reference)
              .addCredentialRetriever(
                  CredentialRetrieverFactory.forImage(reference, event -> {}).dockerConfig())
              .addCredentialRetriever(
                  CredentialRetrieverFactory.forImage(reference, event -> {})
                      .wellKnownCredentialHelpers());
      var pushed =
          image.containerize(
              Containerizer.to(registry)
                  .setAllowInsecureRegistries(insecure)
                  .setToolName("gantry-image"));
      System.out.println("image " + name + " pushed (" + pushed.getDigest() + ")");
    }
  }

  private static String size(Path tar) throws IOException {
    return Files.size(tar) / (1024 * 1024) + " MiB";
  }
}
