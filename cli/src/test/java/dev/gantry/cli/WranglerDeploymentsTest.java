package dev.gantry.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The line gantry wrangler prints after a deploy, from wrangler's output entries. */
class WranglerDeploymentsTest {
  static final String ROUTER = "workers.localhost:8788";

  @Test
  void aDeployToWorkersDevIsSaidToAnswerAtTheRoutersHostName() {
    assertThat(
            WranglerDeployments.whereItAnswers(
                List.of(
                    "{\"type\":\"wrangler-session\",\"version\":1}",
                    "{\"type\":\"deploy\",\"version\":1,\"worker_name\":\"hello\","
                        + "\"targets\":[\"https://hello.dev.workers.dev\"]}"),
                ROUTER))
        .hasValue(
            "gantry: hello answers at http://hello.dev.workers.localhost:8788/ (gantry dev's"
                + " router), not at https://hello.dev.workers.dev");
  }

  @Test
  void aDeployWithoutWorkersDevIsSaidNotToBeRouted() {
    assertThat(
            WranglerDeployments.whereItAnswers(
                List.of("{\"type\":\"deploy\",\"worker_name\":\"quiet\",\"targets\":[]}"), ROUTER))
        .hasValueSatisfying(line -> assertThat(line).contains("quiet has no workers.dev route"));
  }

  @Test
  void commandsThatDeployNothingAndPartialLinesSayNothing() {
    assertThat(
            WranglerDeployments.whereItAnswers(
                List.of("{\"type\":\"version-upload\"}", "{\"type\":\"dep"), ROUTER))
        .isEmpty();
  }
}
