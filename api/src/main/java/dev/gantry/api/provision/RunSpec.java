package dev.gantry.api.provision;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.List;

/** Command line of one run. Gantry wraps it to record the exit code and list the deliverables. */
public class RunSpec {
  @JsonPropertyDescription(
      "Executable and leading arguments. Gantry needs it explicitly (it does not read the image's"
          + " entrypoint); default: terraform.")
  public List<String> command;

  @JsonPropertyDescription(
      "Arguments after the command. When neither command nor args is set, Terraform's apply or"
          + " destroy arguments are used; a command given without args runs without arguments.")
  public List<String> args;
}
