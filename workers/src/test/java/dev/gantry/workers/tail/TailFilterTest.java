package dev.gantry.workers.tail;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

/** The filters wrangler tail sends, applied to trace items as workerd makes them. */
class TailFilterTest {
  static final ObjectMapper JSON = new ObjectMapper();

  static JsonNode json(String text) throws Exception {
    return JSON.readTree(text.replace('\'', '"'));
  }

  static final String EVENT =
      "{'outcome':'exception','logs':[{'message':['hello',{'a':1}],'level':'log'}],"
          + "'exceptions':[{'name':'Error','message':'kaboom'}],"
          + "'scriptVersion':{'id':'v1'},"
          + "'event':{'request':{'url':'http://w/','method':'POST',"
          + "'headers':{'cf-connecting-ip':'203.0.113.7','user-agent':'curl/8'}}}}";

  static boolean passes(String filters) throws Exception {
    return TailFilter.parse(json(filters), "198.51.100.1").matches(json(EVENT), () -> 0.5);
  }

  @Test
  void noFiltersLetEverythingThrough() throws Exception {
    assertThat(passes("{}")).isTrue();
    assertThat(passes("{'filters':[]}")).isTrue();
    assertThat(TailFilter.parse(null, "x").matches(json(EVENT), () -> 0.5)).isTrue();
  }

  @Test
  void eachFilterTakesOnlyWhatMatchesIt() throws Exception {
    assertThat(passes("{'filters':[{'outcome':['exception','exceededCpu']}]}")).isTrue();
    assertThat(passes("{'filters':[{'outcome':['ok']}]}")).isFalse();
    assertThat(passes("{'filters':[{'method':['get','post']}]}")).isTrue();
    assertThat(passes("{'filters':[{'method':['GET']}]}")).isFalse();
    assertThat(passes("{'filters':[{'header':{'key':'User-Agent'}}]}")).isTrue();
    assertThat(passes("{'filters':[{'header':{'key':'user-agent','query':'curl/8'}}]}")).isTrue();
    assertThat(passes("{'filters':[{'header':{'key':'user-agent','query':'curl/7'}}]}")).isFalse();
    assertThat(passes("{'filters':[{'header':{'key':'x-absent'}}]}")).isFalse();
    assertThat(passes("{'filters':[{'client_ip':['203.0.113.7']}]}")).isTrue();
    assertThat(passes("{'filters':[{'client_ip':['self']}]}")).isFalse();
    assertThat(passes("{'filters':[{'query':'hello'}]}")).isTrue();
    assertThat(passes("{'filters':[{'query':'kaboom'}]}")).isTrue();
    assertThat(passes("{'filters':[{'query':'absent'}]}")).isFalse();
    assertThat(passes("{'filters':[{'scriptVersion':'v1'}]}")).isTrue();
    assertThat(passes("{'filters':[{'scriptVersion':'v2'}]}")).isFalse();
    assertThat(passes("{'filters':[{'sampling_rate':0.6}]}")).isTrue(); // the draw is 0.5
    assertThat(passes("{'filters':[{'sampling_rate':0.4}]}")).isFalse();
  }

  @Test
  void anEventMustMatchEveryFilter() throws Exception {
    assertThat(passes("{'filters':[{'method':['POST']},{'query':'hello'}]}")).isTrue();
    assertThat(passes("{'filters':[{'method':['POST']},{'query':'absent'}]}")).isFalse();
  }

  @Test
  void filtersThatCannotBeAppliedAreRefusedByName() {
    assertThatThrownBy(() -> passes("{'filters':[{'colour':'red'}]}"))
        .hasMessageContaining("unknown tail filter");
    assertThatThrownBy(() -> passes("{'filters':[{'sampling_rate':0}]}"))
        .hasMessageContaining("sampling_rate");
    assertThatThrownBy(() -> passes("{'filters':[{'header':{}}]}"))
        .hasMessageContaining("header filter needs a key");
    assertThatThrownBy(() -> passes("{'filters':{}}")).hasMessageContaining("list");
  }
}
