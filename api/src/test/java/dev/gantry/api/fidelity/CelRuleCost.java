package dev.gantry.api.fidelity;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cel.common.ast.CelExpr;
import dev.cel.compiler.CelCompiler;
import dev.cel.compiler.CelCompilerFactory;
import dev.cel.parser.CelStandardMacro;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What the API server checks of a CRD's CEL rule when the CRD is created: an estimate of its cost
 * in which every list, map and string is as long as its schema allows — and, where the schema sets
 * no bound, as long as fits in a 3 MiB request. A rule that iterates (or scans) an unbounded value
 * is refused on a real server ("estimated rule cost exceeds budget"), so this reports it by name,
 * and estimates the bounded rest against the per-rule budget.
 */
final class CelRuleCost {
  /** The API server's per-rule limit on the estimated cost (StaticEstimatedCostLimit). */
  static final long RULE_BUDGET = 10_000_000L;

  /** The API server's limit on all rules of a CRD together, each times its node's cardinality. */
  static final long CRD_BUDGET = 100_000_000L;

  /** The request size the API server assumes when the schema gives no bound. */
  static final long MAX_REQUEST_BYTES = 3L * 1024 * 1024;

  /** String functions whose cost grows with the string's length. */
  private static final Set<String> SCANNING =
      Set.of(
          "matches",
          "contains",
          "startsWith",
          "endsWith",
          "lowerAscii",
          "upperAscii",
          "split",
          "replace",
          "indexOf",
          "lastIndexOf",
          "substring",
          "trim",
          "find",
          "findAll",
          "join");

  private static final CelCompiler PARSER =
      CelCompilerFactory.standardCelCompilerBuilder()
          .setStandardMacros(CelStandardMacro.STANDARD_MACROS)
          .build();

  /** The estimate, and the unbounded values it found; empty means the server accepts the rule. */
  record Estimate(long cost, List<String> unbounded) {}

  private final List<String> unbounded = new ArrayList<>();

  private CelRuleCost() {}

  /**
   * @param rule the rule's text
   * @param self the schema node the rule is written on
   * @param path where that node is, for messages (spec.containers[])
   */
  static Estimate of(String rule, JsonNode self, String path) {
    CelExpr expr;
    try {
      expr = PARSER.parse(rule).getAst().getExpr();
    } catch (Exception e) {
      throw new IllegalArgumentException(path + ": rule does not parse: " + rule, e);
    }
    CelRuleCost estimator = new CelRuleCost();
    Map<String, Typed> scope = new HashMap<>();
    scope.put("self", new Typed(self, path));
    long cost = estimator.cost(expr, scope);
    return new Estimate(cost, List.copyOf(estimator.unbounded));
  }

  /** A schema node and where it is. */
  private record Typed(JsonNode schema, String path) {}

  private long cost(CelExpr e, Map<String, Typed> scope) {
    switch (e.getKind()) {
      case CONSTANT:
      case IDENT:
        return 1;
      case SELECT:
        return 1 + cost(e.select().operand(), scope);
      case LIST:
        return 10 + e.list().elements().stream().mapToLong(x -> cost(x, scope)).sum();
      case MAP:
        return 30
            + e.map().entries().stream()
                .mapToLong(x -> cost(x.key(), scope) + cost(x.value(), scope))
                .sum();
      case CALL:
        {
          var call = e.call();
          long sum = 1;
          if (call.target().isPresent()) {
            sum += cost(call.target().get(), scope);
            if (SCANNING.contains(call.function())) {
              sum += length(call.target().get(), scope, "scans");
            }
          }
          for (CelExpr arg : call.args()) {
            sum += cost(arg, scope);
          }
          return sum;
        }
      case COMPREHENSION:
        {
          var c = e.comprehension();
          long range = length(c.iterRange(), scope, "iterates");
          Map<String, Typed> inner = new HashMap<>(scope);
          Typed over = resolve(c.iterRange(), scope);
          if (over != null) {
            JsonNode items = over.schema().path("items");
            JsonNode values = over.schema().path("additionalProperties");
            if (!items.isMissingNode()) {
              inner.put(c.iterVar(), new Typed(items, over.path() + "[]"));
            } else if (values.isObject()) {
              // Iterating a map binds its keys (strings); key bounds are not in the schema.
              inner.put(c.iterVar(), null);
            }
          }
          long step = cost(c.loopCondition(), inner) + cost(c.loopStep(), inner);
          return cost(c.iterRange(), scope)
              + cost(c.accuInit(), scope)
              + saturatingMultiply(range, step)
              + cost(c.result(), inner);
        }
      default:
        return 1;
    }
  }

  /** How long a list, map or string can be, recording it when only the request size bounds it. */
  private long length(CelExpr e, Map<String, Typed> scope, String verb) {
    Typed typed = resolve(e, scope);
    if (typed == null) {
      // Not a field (the result of another function): the server assumes the worst as well.
      return MAX_REQUEST_BYTES;
    }
    JsonNode s = typed.schema();
    String type = s.path("type").asText("");
    String bound =
        switch (type) {
          case "array" -> "maxItems";
          case "string" -> "maxLength";
          default -> "maxProperties";
        };
    if (s.has(bound)) {
      return s.get(bound).asLong();
    }
    if (type.equals("string") && (s.has("enum") || s.has("format"))) {
      return 64;
    }
    unbounded.add(
        "the rule "
            + verb
            + " "
            + typed.path()
            + ", which has no "
            + bound
            + ": set one (the API server otherwise assumes it fills a 3 MiB request)");
    return MAX_REQUEST_BYTES / 3;
  }

  /** The schema of a field path from self or an iteration variable; null when not a plain path. */
  private static Typed resolve(CelExpr e, Map<String, Typed> scope) {
    switch (e.getKind()) {
      case IDENT:
        return scope.get(e.ident().name());
      case SELECT:
        {
          Typed operand = resolve(e.select().operand(), scope);
          if (operand == null || e.select().testOnly()) {
            return null;
          }
          String field = e.select().field();
          JsonNode property = operand.schema().path("properties").path(field);
          if (property.isMissingNode()) {
            JsonNode values = operand.schema().path("additionalProperties");
            property = values.isObject() ? values : property;
          }
          return property.isMissingNode()
              ? null
              : new Typed(property, operand.path() + "." + field);
        }
      default:
        return null;
    }
  }

  static long saturatingMultiply(long a, long b) {
    long r = a * b;
    return (a != 0 && (r / a != b || r < 0)) ? Long.MAX_VALUE : r;
  }
}
