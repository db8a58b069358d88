import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/**
 * Run with only gantry.jar on the class path (java's source launcher): writes and reads back a tar
 * as fabric8's pod copy does, and loads the copy's own classes, so a jar without commons-compress
 * or commons-io fails here instead of in a user's `gantry deliverables get`.
 */
public class TarProbe {
  public static void main(String[] args) throws Exception {
    byte[] body = "kubeconfig".getBytes(StandardCharsets.UTF_8);
    ByteArrayOutputStream tar = new ByteArrayOutputStream();
    try (TarArchiveOutputStream out = new TarArchiveOutputStream(tar)) {
      TarArchiveEntry entry = new TarArchiveEntry("deliverables/kubeconfig");
      entry.setSize(body.length);
      out.putArchiveEntry(entry);
      out.write(body);
      out.closeArchiveEntry();
    }
    try (TarArchiveInputStream in =
        new TarArchiveInputStream(new ByteArrayInputStream(tar.toByteArray()))) {
      TarArchiveEntry entry = in.getNextEntry();
      String read = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      if (!entry.getName().equals("deliverables/kubeconfig") || !read.equals("kubeconfig")) {
        throw new AssertionError("tar round trip gave " + entry.getName() + ": " + read);
      }
    }
    Class.forName("org.apache.commons.io.FileUtils");
    Class.forName("io.fabric8.kubernetes.client.dsl.internal.uploadable.PodUpload");
    System.out.println("tar ok");
  }
}
