package dev.gantry.api.provision;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Size;
import java.util.List;

/** The destroy run: its command line, and what of the infrastructure it leaves standing. */
public class DestroySpec extends RunSpec {
  public static final int MAX_RETAIN = 64;

  @Size(max = MAX_RETAIN)
  @JsonPropertyDescription(
      "State addresses (module.rancher, aws_instance.bastion, ...) to forget before the destroy,"
          + " so what they name is kept: Gantry runs terraform state rm on each first. gantry"
          + " destroy-preview lists what would be destroyed and what kept.")
  public List<@io.fabric8.generator.annotation.Pattern("^\\S(.*\\S)?$") @Size(max = 512) String>
      retain;

  @JsonIgnore
  public List<String> retainOrEmpty() {
    return retain == null ? List.of() : retain;
  }
}
