package dev.gantry.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import org.junit.jupiter.api.Test;

class FieldChangesTest {
  static final ObjectMapper JSON = new ObjectMapper();

  static JsonNode json(String text) throws Exception {
    return JSON.readTree(text.replace('\'', '"'));
  }

  static List<String> changes(String before, String after) throws Exception {
    return FieldChanges.between(json(before), json(after)).stream()
        .map(FieldChanges.Change::toString)
        .toList();
  }

  @Test
  void aChangedValueReadsAsItsDottedPathWithOldAndNew() throws Exception {
    assertThat(
            changes(
                "{'kind':'Deployment','spec':{'replicas':2,'paused':false}}",
                "{'kind':'Deployment','spec':{'replicas':3,'paused':false}}"))
        .containsExactly("spec.replicas: 2 → 3");
  }

  @Test
  void addedAndRemovedFieldsReadAsNone() throws Exception {
    assertThat(changes("{'spec':{'a':'x','gone':{'b':1}}}", "{'spec':{'a':'x','new':'y'}}"))
        .containsExactly("spec.gone: {\"b\":1} → (none)", "spec.new: (none) → \"y\"");
  }

  @Test
  void whatTheServerKeepsForItselfAndGantrysRecordAreNotChanges() throws Exception {
    assertThat(
            changes(
                "{'metadata':{'name':'w','resourceVersion':'1','generation':1,'uid':'a',"
                    + "'creationTimestamp':'t1','managedFields':[{'m':1}],"
                    + "'annotations':{'gantry.dev/last-applied':'{}','keep':'1'}},"
                    + "'status':{'ready':1}}",
                "{'metadata':{'name':'w','resourceVersion':'2','generation':2,'uid':'a',"
                    + "'creationTimestamp':'t1','managedFields':[{'m':2}],"
                    + "'annotations':{'gantry.dev/last-applied':'{\\'x\\':1}','keep':'1'}},"
                    + "'status':{'ready':0}}"))
        .isEmpty();
  }

  @Test
  void keysWithDotsAreBracketedSoTheyStayOneKey() throws Exception {
    assertThat(
            changes(
                "{'metadata':{'labels':{'app.kubernetes.io/name':'a'}}}",
                "{'metadata':{'labels':{'app.kubernetes.io/name':'b'}}}"))
        .containsExactly("metadata.labels[\"app.kubernetes.io/name\"]: \"a\" → \"b\"");
  }

  @Test
  void namedListItemsAreMatchedByNameNotByPlace() throws Exception {
    assertThat(
            changes(
                "{'containers':[{'name':'web','image':'nginx:1.27'},{'name':'log','image':'l:1'}]}",
                "{'containers':[{'name':'init','image':'i:1'},{'name':'web','image':'nginx:1.28'},"
                    + "{'name':'log','image':'l:1'}]}"))
        .containsExactly(
            "containers[name=web].image: \"nginx:1.27\" → \"nginx:1.28\"",
            "containers[name=init]: (none) → {\"name\":\"init\",\"image\":\"i:1\"}");
  }

  @Test
  void namedItemsThatOnlyMoveSayTheOrderChanged() throws Exception {
    assertThat(
            changes(
                "{'env':[{'name':'A','value':'1'},{'name':'B','value':'2'}]}",
                "{'env':[{'name':'B','value':'2'},{'name':'A','value':'1'}]}"))
        .containsExactly("env: order [A, B] → [B, A]");
  }

  @Test
  void otherListsAreComparedIndexByIndex() throws Exception {
    assertThat(changes("{'args':['a','b']}", "{'args':['a','c','d']}"))
        .containsExactly("args[1]: \"b\" → \"c\"", "args[2]: (none) → \"d\"");
  }

  @Test
  void aSecretsValuesAreNeverShown() throws Exception {
    String before =
        "{'apiVersion':'v1','kind':'Secret','metadata':{'name':'s','labels':{'a':'1'}},"
            + "'data':{'password':'czNjcmV0LTE=','old':'b2xk'}}";
    String after =
        "{'apiVersion':'v1','kind':'Secret','metadata':{'name':'s','labels':{'a':'2'}},"
            + "'data':{'password':'czNjcmV0LTI=','token':'dG9r'},'stringData':{'plain':'s3cret-3'}}";
    List<String> changes = changes(before, after);
    assertThat(changes)
        .containsExactly(
            "metadata.labels.a: \"1\" → \"2\"",
            "data.password: (secret value changed)",
            "data.old: (secret value removed)",
            "data.token: (secret value added)",
            "stringData.plain: (secret value added)");
    assertThat(String.join("\n", changes))
        .doesNotContain("czNjcmV0")
        .doesNotContain("b2xk")
        .doesNotContain("dG9r")
        .doesNotContain("s3cret");
  }

  @Test
  void aSecretWhoseDataComesWholeStillShowsNoValue() throws Exception {
    assertThat(
            changes(
                "{'apiVersion':'v1','kind':'Secret'}",
                "{'apiVersion':'v1','kind':'Secret','data':{'k':'dmFsdWU='}}"))
        .containsExactly("data.k: (secret value added)");
  }

  @Test
  void aConfigMapsDataIsShownAndLongValuesAreCut() throws Exception {
    String longer = "x".repeat(300);
    List<String> changes =
        changes(
            "{'apiVersion':'v1','kind':'ConfigMap','data':{'a':'1'}}",
            "{'apiVersion':'v1','kind':'ConfigMap','data':{'a':'" + longer + "'}}");
    assertThat(changes).hasSize(1);
    assertThat(changes.get(0)).startsWith("data.a: \"1\" → \"xxx").endsWith("…");
    assertThat(changes.get(0).length()).isLessThan(FieldChanges.MAX_VALUE + 30);
  }
}
