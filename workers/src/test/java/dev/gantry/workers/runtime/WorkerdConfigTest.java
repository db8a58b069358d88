package dev.gantry.workers.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gantry.workers.model.ModuleRef;
import dev.gantry.workers.model.Version;
import dev.gantry.workers.upload.BindingSpec;
import dev.gantry.workers.upload.ModuleKind;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The rendered workerd configuration, against golden files under src/test/resources/golden. */
class WorkerdConfigTest {
  static ModuleRef module(String name, ModuleKind kind) {
    return new ModuleRef(name, kind, "scripts/acct/w/" + name.length(), "00", 1);
  }

  static Version version(
      String id, boolean serviceWorker, List<ModuleRef> modules, List<BindingSpec> bindings) {
    return new Version(
        id,
        1,
        "2026-12-01T00:00:00Z",
        modules.get(0).name(),
        serviceWorker,
        "2024-09-23",
        List.of("nodejs_compat"),
        bindings,
        modules,
        new ObjectMapper().createObjectNode(),
        Map.of());
  }

  /** The golden text; {@code -Dgolden.update=true} rewrites it from {@code actual} first. */
  static String golden(String name, String actual) throws Exception {
    Path file = Path.of("src/test/resources/golden", name);
    if (Boolean.getBoolean("golden.update")) {
      Files.writeString(file, actual);
    }
    return Files.readString(file);
  }

  @Test
  void everyModuleKindAndBindingTypeRendersAsWorkerdExpectsThem() throws Exception {
    Version v =
        version(
            "11111111-1111-1111-1111-111111111111",
            false,
            List.of(
                module("index.js", ModuleKind.ES_MODULE),
                module("lib/util.cjs", ModuleKind.COMMONJS),
                module("page.html", ModuleKind.TEXT),
                module("blob.bin", ModuleKind.DATA),
                module("add.wasm", ModuleKind.WASM),
                module("data.json", ModuleKind.JSON),
                module("index.js.map", ModuleKind.SOURCE_MAP)),
            List.of(
                new BindingSpec("GREETING", "plain_text", "say \"hi\"\n", null),
                new BindingSpec("CONF", "json", "{\"a\":1}", null),
                new BindingSpec("AUTH", "service", null, "auth")));
    var rendered =
        WorkerdConfig.render(
            "acct",
            List.of(new WorkerdConfig.Served(v, 40001)),
            Map.of("API_KEY", "s3cr3t"),
            "127.0.0.1:40000",
            40009,
            null);
    // What must hold whatever the golden file says, so that a wrong -Dgolden.update fails here.
    assertThat(rendered.text())
        .contains("esModule = embed \"v0/index.js\"")
        .contains("commonJsModule = embed \"v0/lib/util.cjs\"")
        .contains("(name = \"GREETING\", text = \"say \\\"hi\\\"\\n\")")
        .contains("(name = \"API_KEY\", text = \"s3cr3t\")")
        .contains("(name = \"AUTH\", service = \"bind-auth\")")
        .contains("address = \"127.0.0.1:40000\"")
        .contains("value = \"acct/auth\"")
        .contains(
            "address = \"127.0.0.1:40001\", http = (), service = \"v-11111111-1111-1111-1111-111111111111\"")
        .contains("address = \"127.0.0.1:40009\"")
        .doesNotContain("index.js.map");
    assertThat(rendered.text()).isEqualTo(golden("modules-and-bindings.capnp", rendered.text()));
    assertThat(rendered.files())
        .containsOnlyKeys(
            "v0/index.js",
            "v0/lib/util.cjs",
            "v0/page.html",
            "v0/blob.bin",
            "v0/add.wasm",
            "v0/data.json");
  }

  /** Two versions, an ES module and a service worker, split across two sockets. */
  static WorkerdConfig.Rendered split(WorkerdConfig.Tracing tracing) {
    Version a =
        version(
            "aaaaaaaa-0000-0000-0000-000000000000",
            false,
            List.of(module("index.js", ModuleKind.ES_MODULE)),
            List.of());
    Version b =
        version(
            "bbbbbbbb-0000-0000-0000-000000000000",
            true,
            List.of(module("script", ModuleKind.COMMONJS)),
            List.of());
    return WorkerdConfig.render(
        "acct",
        List.of(new WorkerdConfig.Served(a, 40001), new WorkerdConfig.Served(b, 40002)),
        Map.of(),
        "127.0.0.1:40000",
        40009,
        tracing);
  }

  @Test
  void aSplitDeploymentServesEachVersionOnItsOwnSocket() throws Exception {
    var rendered = split(null);
    assertThat(rendered.text())
        .contains(
            "address = \"127.0.0.1:40001\", http = (), service = \"v-aaaaaaaa-0000-0000-0000-000000000000\"")
        .contains(
            "address = \"127.0.0.1:40002\", http = (), service = \"v-bbbbbbbb-0000-0000-0000-000000000000\"")
        .contains("serviceWorkerScript = embed \"v1/script\"")
        .doesNotContain("tails = ");
    assertThat(rendered.text()).isEqualTo(golden("split.capnp", rendered.text()));
  }

  @Test
  void aTailedWorkerSendsEachVersionsTraceEventsToTheSinkWithItsKeyAndVersion() throws Exception {
    var rendered = split(new WorkerdConfig.Tracing("acct/hello", "127.0.0.1:40010", "k3y"));
    assertThat(rendered.text())
        .contains("tails = [\"gantry-tail-0\"]")
        .contains("tails = [\"gantry-tail-1\"]")
        .contains(
            "(name = \"X-Gantry-Trace-Key\", value = \"k3y\"), (name = \"X-Gantry-Worker\", value ="
                + " \"acct/hello\"), (name = \"X-Gantry-Version\", value ="
                + " \"aaaaaaaa-0000-0000-0000-000000000000\")")
        .contains("value = \"bbbbbbbb-0000-0000-0000-000000000000\"")
        .contains("address = \"127.0.0.1:40010\"");
    assertThat(rendered.text()).isEqualTo(golden("tailed.capnp", rendered.text()));
  }

  @Test
  void stringsAreEscapedForCapnProtoText() {
    assertThat(WorkerdConfig.quote("a\"b\\c\nd\té")).isEqualTo("\"a\\\"b\\\\c\\nd\\t\\xc3\\xa9\"");
  }
}
