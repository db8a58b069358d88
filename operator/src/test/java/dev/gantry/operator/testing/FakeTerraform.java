package dev.gantry.operator.testing;

/**
 * A stand-in for Terraform's state commands, for the retain step and the destroy preview where no
 * Terraform is installed: the state is a file of addresses, one per line; {@code state list
 * -state=F [A]} prints those equal to A or inside it, {@code state rm -state=F A} removes them;
 * {@code plan -destroy -state=F} prints what is left as Terraform prints a destroy plan; anything
 * else "destroys" what the state holds.
 */
public final class FakeTerraform {
  private FakeTerraform() {}

  /** The script, run by {@code shell} (for example "/usr/bin/busybox sh" or "/bin/sh"). */
  public static String script(String shell) {
    return "#!"
        + shell
        + "\n"
        + "cmd=\"$1 $2\"\n"
        + "for a in \"$@\"; do case \"$a\" in -state=*) f=${a#-state=};; esac; done\n"
        + "addr=\"\"; for a in \"$@\"; do case \"$a\" in -*|state|list|rm|plan) ;; *) addr=$a;;"
        + " esac; done\n"
        + "case \"$cmd\" in\n"
        + "  'state list') grep -E \"^$addr(\\.|\\[|$)\" \"$f\" || true;;\n"
        + "  'state rm') [ -n \"$(grep -E \"^$addr(\\.|\\[|$)\" \"$f\")\" ] || exit 1;"
        + " grep -vE \"^$addr(\\.|\\[|$)\" \"$f\" > \"$f.new\"; mv \"$f.new\" \"$f\";"
        + " echo \"Removed $addr\";;\n"
        + "  'plan -destroy') while read -r r; do echo \"  # $r will be destroyed\"; done < \"$f\";"
        + " echo \"Plan: 0 to add, 0 to change, $(wc -l < \"$f\") to destroy.\";;\n"
        + "  *) echo \"destroying $(cat \"$f\" | tr '\\n' ' ')\";;\n"
        + "esac\n";
  }
}
