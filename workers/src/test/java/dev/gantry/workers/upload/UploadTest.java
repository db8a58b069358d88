package dev.gantry.workers.upload;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gantry.workers.ApiError;
import java.time.LocalDate;
import org.junit.jupiter.api.Test;

class UploadTest {
  static final Upload.Limits LIMITS =
      new Upload.Limits(10 * 1024 * 1024, LocalDate.of(2026, 11, 17));
  static final String ENTRY = "export default { fetch() { return new Response('hi') } }";

  static Upload parse(Multipart m) {
    return Upload.parse(Multipart.CONTENT_TYPE, m.build(), LIMITS);
  }

  static Multipart withMetadata(String metadata) {
    return new Multipart()
        .metadata(metadata)
        .file("index.js", "application/javascript+module", ENTRY);
  }

  @Test
  void metadataMapsToEntryDateFlagsAndBindingsWithSecretsKeptApart() {
    Upload u =
        parse(
            withMetadata(
                    """
                    {"main_module":"index.js","compatibility_date":"2024-09-23",
                     "compatibility_flags":["nodejs_compat"],
                     "bindings":[{"name":"GREETING","type":"plain_text","text":"world"},
                                 {"name":"CONF","type":"json","json":{"a":[1,2]}},
                                 {"name":"TOKEN","type":"secret_text","text":"s3cr3t"},
                                 {"name":"AUTH","type":"service","service":"auth","environment":"production"}],
                     "keep_bindings":["secret_text","secret_key"]}
                    """)
                .file("util.cjs", "application/javascript", "module.exports = 1")
                .file("page.html", "text/plain", "<p>")
                .part("blob.bin", "blob.bin", "application/octet-stream", new byte[] {1, 2})
                .part("add.wasm", "add.wasm", "application/wasm", new byte[] {0, 'a', 's', 'm'})
                .file("data.json", "application/json", "{}")
                .file("index.js.map", "application/source-map", "{}"));
    assertThat(u.mainModule()).isEqualTo("index.js");
    assertThat(u.serviceWorker()).isFalse();
    assertThat(u.compatibilityDate()).isEqualTo("2024-09-23");
    assertThat(u.compatibilityFlags()).containsExactly("nodejs_compat");
    assertThat(u.bindings())
        .containsExactly(
            new BindingSpec("GREETING", "plain_text", "world", null),
            new BindingSpec("CONF", "json", "{\"a\":[1,2]}", null),
            new BindingSpec("AUTH", "service", null, "auth"));
    assertThat(u.secrets()).containsEntry("TOKEN", "s3cr3t");
    assertThat(u.metadata().toString()).doesNotContain("s3cr3t");
    assertThat(u.modules())
        .extracting(Module::name, Module::kind)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("index.js", ModuleKind.ES_MODULE),
            org.assertj.core.groups.Tuple.tuple("util.cjs", ModuleKind.COMMONJS),
            org.assertj.core.groups.Tuple.tuple("page.html", ModuleKind.TEXT),
            org.assertj.core.groups.Tuple.tuple("blob.bin", ModuleKind.DATA),
            org.assertj.core.groups.Tuple.tuple("add.wasm", ModuleKind.WASM),
            org.assertj.core.groups.Tuple.tuple("data.json", ModuleKind.JSON),
            org.assertj.core.groups.Tuple.tuple("index.js.map", ModuleKind.SOURCE_MAP));
  }

  @Test
  void aServiceWorkerUploadNamesItsBodyPart() {
    Upload u =
        parse(
            new Multipart()
                .metadata("{\"body_part\":\"script\",\"compatibility_date\":\"2024-01-01\"}")
                .file("script", "application/javascript", "addEventListener('fetch', e => {})"));
    assertThat(u.serviceWorker()).isTrue();
    assertThat(u.mainModule()).isEqualTo("script");
  }

  @Test
  void aSecondMetadataPartIsRefused() {
    assertThatThrownBy(
            () ->
                parse(
                    withMetadata("{\"main_module\":\"index.js\"}")
                        .metadata("{\"main_module\":\"other.js\"}")))
        .isInstanceOfSatisfying(
            ApiError.class, e -> assertThat(e.code()).isEqualTo(ApiError.INVALID))
        .hasMessageContaining("\"metadata\" is uploaded twice");
  }

  @Test
  void missingMetadataIsRefused() {
    assertThatThrownBy(
            () -> parse(new Multipart().file("index.js", "application/javascript+module", ENTRY)))
        .isInstanceOf(ApiError.class)
        .hasMessageContaining("no \"metadata\" part");
  }

  @Test
  void aMainModuleThatIsNotAmongThePartsIsRefused() {
    assertThatThrownBy(
            () ->
                parse(
                    withMetadata(
                        "{\"main_module\":\"worker.js\",\"compatibility_date\":\"2024-01-01\"}")))
        .hasMessageContaining(
            "main_module is \"worker.js\", but no part of the upload has that name")
        .hasMessageContaining("parts: index.js");
  }

  @Test
  void moduleNamesThatEscapeTheRootAreRefused() {
    for (String name :
        new String[] {
          "../x.js",
          "/etc/passwd",
          "a/../../b.js",
          "a\\b.js",
          "a//b",
          "a/./b.js",
          "./../x.js",
          "././x.js",
          ".//x.js",
          "./"
        }) {
      assertThatThrownBy(
              () ->
                  parse(
                      withMetadata(
                              "{\"main_module\":\"index.js\",\"compatibility_date\":\"2024-01-01\"}")
                          .file(name, "application/javascript+module", "")))
          .as(name)
          .isInstanceOf(ApiError.class)
          .hasMessageContaining("module name \"" + name + "\"");
    }
  }

  @Test
  void aLeadingDotSlashAsWranglersBundlerWritesItIsDroppedFromModuleNames() {
    Upload u =
        parse(
            new Multipart()
                .metadata("{\"main_module\":\"./index.js\",\"compatibility_date\":\"2024-01-01\"}")
                .file("./index.js", "application/javascript+module", ENTRY)
                .file("./07817a-page.txt", "text/plain", "text"));
    assertThat(u.mainModule()).isEqualTo("index.js");
    assertThat(u.modules()).extracting(Module::name).containsExactly("index.js", "07817a-page.txt");
    assertThatThrownBy(
            () ->
                parse(
                    withMetadata("{\"main_module\":\"index.js\"}")
                        .file("./index.js", "application/javascript+module", ENTRY)))
        .hasMessageContaining("module \"index.js\" is uploaded twice");
  }

  @Test
  void anUploadWithoutACompatibilityDateRunsAtTheOldestAsCloudflareDoes() {
    Upload upload = parse(withMetadata("{\"main_module\":\"index.js\"}"));
    assertThat(upload.compatibilityDate()).isEqualTo("2021-11-02");
  }

  @Test
  void aCompatibilityDateLaterThanTheRuntimeIsRefusedWithTheNewestItSupports() {
    assertThatThrownBy(
            () ->
                parse(
                    withMetadata(
                        "{\"main_module\":\"index.js\",\"compatibility_date\":\"2026-12-01\"}")))
        .hasMessageContaining(
            "compatibility_date 2026-12-01 is later than this runtime supports (2026-11-17)")
        .hasMessageContaining("wrangler.toml");
    assertThatThrownBy(
            () ->
                parse(
                    withMetadata(
                        "{\"main_module\":\"index.js\",\"compatibility_date\":\"yesterday\"}")))
        .hasMessageContaining("YYYY-MM-DD");
  }

  @Test
  void unknownBindingTypesAreRefusedNamingTheBindingAndTheTypesThatWork() {
    assertThatThrownBy(
            () ->
                parse(
                    withMetadata(
                        "{\"main_module\":\"index.js\",\"compatibility_date\":\"2024-01-01\","
                            + "\"bindings\":[{\"name\":\"KV\",\"type\":\"kv_namespace\",\"namespace_id\":\"x\"}]}")))
        .hasMessageContaining("binding KV has type \"kv_namespace\"")
        .hasMessageContaining("plain_text, json, secret_text or service");
  }

  @Test
  void anUploadOverTheLimitIsRefusedBeforeParsing() {
    var small = new Upload.Limits(100, LIMITS.newestCompatibilityDate());
    assertThatThrownBy(
            () ->
                Upload.parse(
                    Multipart.CONTENT_TYPE,
                    withMetadata("{\"main_module\":\"index.js\"}").build(),
                    small))
        .isInstanceOfSatisfying(ApiError.class, e -> assertThat(e.status()).isEqualTo(413))
        .hasMessageContaining("over this server's limit of 100 bytes");
  }

  @Test
  void partsWithoutAModuleContentTypeAreRefused() {
    assertThatThrownBy(
            () ->
                parse(
                    withMetadata(
                            "{\"main_module\":\"index.js\",\"compatibility_date\":\"2024-01-01\"}")
                        .file("x.py", "text/x-python", "")))
        .hasMessageContaining("module \"x.py\" has content type text/x-python");
  }

  @Test
  void scriptNamesFollowCloudflaresRules() {
    assertThat(ScriptNames.check("my-worker-2")).isEqualTo("my-worker-2");
    for (String bad : new String[] {"My", "-a", "a-", "a_b", "a.b", "x".repeat(64), ""}) {
      assertThatThrownBy(() -> ScriptNames.check(bad)).as(bad).hasMessageContaining("is not valid");
    }
  }
}
