package dev.gantry.workers.upload;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gantry.workers.ApiError;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class MultipartBodyTest {
  @Test
  void partsKeepTheirNamesFileNamesContentTypesAndExactBytes() {
    byte[] wasm = {0, 'a', 's', 'm', 1, 0, 0, 0, '\r', '\n', '-', '-'};
    byte[] body =
        new Multipart()
            .metadata("{\"main_module\":\"index.js\"}")
            .file("index.js", "application/javascript+module", "export default {}")
            .part("lib/add.wasm", "lib/add.wasm", "application/wasm", wasm)
            .build();
    var parts = MultipartBody.parse(Multipart.CONTENT_TYPE, body);
    assertThat(parts)
        .extracting(Part::name)
        .containsExactly("metadata", "index.js", "lib/add.wasm");
    assertThat(parts.get(0).contentType()).isNull();
    assertThat(parts.get(0).filename()).isNull();
    assertThat(parts.get(1).filename()).isEqualTo("index.js");
    assertThat(parts.get(1).contentType()).isEqualTo("application/javascript+module");
    assertThat(parts.get(2).content()).isEqualTo(wasm);
  }

  @Test
  void aQuotedBoundaryIsAccepted() {
    byte[] body = new Multipart().metadata("{}").build();
    assertThat(
            MultipartBody.parse(
                "multipart/form-data; boundary=\"" + Multipart.BOUNDARY + "\"", body))
        .hasSize(1);
  }

  @Test
  void malformedBodiesAreRefusedWithWhatIsWrong() {
    assertThatThrownBy(() -> MultipartBody.parse("application/json", new byte[0]))
        .isInstanceOf(ApiError.class)
        .hasMessageContaining("must be multipart/form-data");
    assertThatThrownBy(() -> MultipartBody.parse("multipart/form-data", new byte[0]))
        .hasMessageContaining("no boundary");
    assertThatThrownBy(
            () ->
                MultipartBody.parse(
                    Multipart.CONTENT_TYPE, "no boundary here".getBytes(StandardCharsets.UTF_8)))
        .hasMessageContaining("the boundary never occurs");
    String truncated =
        "--"
            + Multipart.BOUNDARY
            + "\r\nContent-Disposition: form-data; name=\"metadata\"\r\n\r\n{}";
    assertThatThrownBy(
            () ->
                MultipartBody.parse(
                    Multipart.CONTENT_TYPE, truncated.getBytes(StandardCharsets.UTF_8)))
        .hasMessageContaining("not closed by the boundary");
    String nameless =
        "--"
            + Multipart.BOUNDARY
            + "\r\nContent-Disposition: form-data\r\n\r\n{}\r\n--"
            + Multipart.BOUNDARY
            + "--\r\n";
    assertThatThrownBy(
            () ->
                MultipartBody.parse(
                    Multipart.CONTENT_TYPE, nameless.getBytes(StandardCharsets.UTF_8)))
        .hasMessageContaining("has no name");
  }
}
