package dev.gantry.operator.stack;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class StackClientsTest {
  @Test
  void aStackThatNamesNoAccountWritesAsTheOperatorsDefaultInItsOwnNamespace() {
    StackClients clients = new StackClients(null, "stack-writer");
    var unnamed = StackCompilerTest.stack("components: []");
    assertThat(clients.account(unnamed)).isEqualTo("system:serviceaccount:apps:stack-writer");
    var named = StackCompilerTest.stack("serviceAccountName: shop-stack\ncomponents: []");
    assertThat(clients.account(named)).isEqualTo("system:serviceaccount:apps:shop-stack");
  }
}
