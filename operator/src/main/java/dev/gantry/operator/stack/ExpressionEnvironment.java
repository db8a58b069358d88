package dev.gantry.operator.stack;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableSet;
import dev.cel.common.CelAbstractSyntaxTree;
import dev.cel.common.CelValidationException;
import dev.cel.common.ast.CelExpr;
import dev.cel.common.navigation.CelNavigableAst;
import dev.cel.common.navigation.CelNavigableExpr;
import dev.cel.common.types.CelType;
import dev.cel.common.types.CelTypeProvider;
import dev.cel.common.types.ListType;
import dev.cel.common.types.MapType;
import dev.cel.common.types.SimpleType;
import dev.cel.common.types.StructType;
import dev.cel.compiler.CelCompiler;
import dev.cel.compiler.CelCompilerFactory;
import dev.cel.extensions.CelExtensions;
import dev.cel.parser.CelStandardMacro;
import dev.cel.runtime.CelEvaluationException;
import dev.cel.runtime.CelRuntime;
import dev.cel.runtime.CelRuntimeFactory;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What a Stack's expressions may read, with types: {@code parameters} typed by the values given (so
 * {@code parameters.replicas + 'x'} is refused when the Stack is admitted), {@code
 * secretParameters} as strings, {@code components} with one field per component, and {@code self}
 * in readyWhen. A name that does not exist is a compile error, not a runtime surprise.
 */
public final class ExpressionEnvironment {
  static final String PARAMETERS = "parameters";
  static final String SECRET_PARAMETERS = "secretParameters";
  static final String COMPONENTS = "components";
  static final String SELF = "self";
  static final String EACH = "each";
  static final String MEMBER = "member";

  private static final CelRuntime RUNTIME =
      CelRuntimeFactory.standardCelRuntimeBuilder().addLibraries(CelExtensions.strings()).build();

  /** Where an expression is used, which decides what it may read. */
  public enum Use {
    /** A value in a template: parameters, secretParameters, components. */
    TEMPLATE,
    /** A value in a collection's template: as TEMPLATE, and each, the item. */
    EACH,
    /** includeWhen: parameters only, since it decides before anything is created. */
    INCLUDE,
    /** readyWhen: self and parameters. */
    READY,
    /** A member action's Job: as TEMPLATE, and member, the pod that joins or leaves. */
    MEMBER
  }

  private final Map<String, JsonNode> parameters;
  private final Set<String> secretParameters;
  private final Set<String> components;
  private final Map<Use, CelCompiler> compilers = new java.util.EnumMap<>(Use.class);

  public ExpressionEnvironment(
      JsonNode parameters, Collection<String> secretParameters, Collection<String> components) {
    this.parameters = new LinkedHashMap<>();
    if (parameters != null && parameters.isObject()) {
      parameters.fields().forEachRemaining(f -> this.parameters.put(f.getKey(), f.getValue()));
    }
    this.secretParameters = new LinkedHashSet<>(secretParameters);
    this.components = new LinkedHashSet<>(components);
  }

  /** An expression that compiled, with the components it reads. */
  public record Compiled(String source, CelAbstractSyntaxTree ast, Set<String> components) {
    /** Whether it reads a secret: a secret parameter, or a component's secret or outputs. */
    public boolean readsSecrets() {
      return readsVariable(ast, SECRET_PARAMETERS)
          || (readsVariable(ast, COMPONENTS) && readsAnyField(ast, "secret"));
    }

    /** Whether it reads each, the item of a collection. */
    public boolean readsEach() {
      return readsVariable(ast, EACH);
    }

    public boolean readsSecretParameters() {
      return readsVariable(ast, SECRET_PARAMETERS);
    }

    public CelType type() {
      return ast.getResultType();
    }
  }

  /**
   * Compiles one expression.
   *
   * @throws IllegalArgumentException with the compiler's message, plus the names there are
   */
  public Compiled compile(String source, Use use) {
    CelAbstractSyntaxTree ast;
    try {
      ast = compiler(use).compile(source).getAst();
    } catch (CelValidationException e) {
      throw new IllegalArgumentException(explain(e, use));
    }
    return new Compiled(source, ast, referencedComponents(ast));
  }

  /** Evaluates a compiled expression over the given variables. */
  public static Object evaluate(Compiled expression, Map<String, ?> variables) {
    try {
      return RUNTIME.createProgram(expression.ast()).eval(variables);
    } catch (CelEvaluationException e) {
      throw new IllegalArgumentException(
          "${" + expression.source() + "}: " + firstLine(e.getMessage()));
    }
  }

  private String explain(CelValidationException e, Use use) {
    StringBuilder message = new StringBuilder();
    for (var issue : e.getErrors()) {
      if (message.length() > 0) {
        message.append("; ");
      }
      message.append(firstLine(issue.getMessage()));
    }
    String text = message.toString();
    if (text.contains("undeclared reference to '" + MEMBER + "'")) {
      return text + " (member is read only in onMemberJoin and onMemberLeave)";
    }
    if (text.contains("undeclared reference to '" + EACH + "'")) {
      return text + " (each is the item of a forEach; this component has none)";
    }
    if (text.contains("undeclared reference to '" + COMPONENTS + "'")
        && use != Use.TEMPLATE
        && use != Use.EACH
        && use != Use.MEMBER) {
      return text
          + " ("
          + (use == Use.INCLUDE ? "includeWhen" : "readyWhen")
          + " reads "
          + (use == Use.INCLUDE ? "parameters only" : "self and parameters only")
          + ")";
    }
    if (text.contains("undefined field")) {
      return text
          + " (parameters: "
          + names(parameters.keySet())
          + "; secretParameters: "
          + names(secretParameters)
          + "; components: "
          + names(components)
          + (use == Use.MEMBER ? "; member: name, address, node, labels, ports" : "")
          + ")";
    }
    return text;
  }

  private static String names(Collection<String> names) {
    return names.isEmpty() ? "none" : String.join(", ", names);
  }

  private static String firstLine(String message) {
    if (message == null) {
      return "invalid expression";
    }
    String line = message.lines().findFirst().orElse(message);
    return line.replaceFirst("^ERROR: <input>:\\d+:\\d+: ", "");
  }

  private CelCompiler compiler(Use use) {
    return compilers.computeIfAbsent(use, this::build);
  }

  private CelCompiler build(Use use) {
    StructType params = struct("gantry.stack.Parameters", typesOf(parameters));
    Map<String, CelType> secretTypes = new LinkedHashMap<>();
    secretParameters.forEach(s -> secretTypes.put(s, SimpleType.STRING));
    StructType secrets = struct("gantry.stack.SecretParameters", secretTypes);
    Map<String, CelType> componentTypes = new LinkedHashMap<>();
    components.forEach(c -> componentTypes.put(c, SimpleType.DYN));
    StructType comps = struct("gantry.stack.Components", componentTypes);
    Map<String, CelType> memberFields = new LinkedHashMap<>();
    memberFields.put("name", SimpleType.STRING);
    memberFields.put("address", SimpleType.STRING);
    memberFields.put("node", SimpleType.STRING);
    memberFields.put("labels", MapType.create(SimpleType.STRING, SimpleType.STRING));
    memberFields.put("ports", MapType.create(SimpleType.STRING, SimpleType.INT));
    StructType member = struct("gantry.stack.Member", memberFields);
    List<StructType> structs = List.of(params, secrets, comps, member);
    var builder =
        CelCompilerFactory.standardCelCompilerBuilder()
            .setStandardMacros(CelStandardMacro.STANDARD_MACROS)
            .addLibraries(CelExtensions.strings())
            .setTypeProvider(provider(structs))
            .addVar(PARAMETERS, params);
    switch (use) {
      case TEMPLATE -> builder.addVar(SECRET_PARAMETERS, secrets).addVar(COMPONENTS, comps);
      case EACH ->
          builder
              .addVar(SECRET_PARAMETERS, secrets)
              .addVar(COMPONENTS, comps)
              .addVar(EACH, SimpleType.DYN);
      case MEMBER ->
          builder
              .addVar(SECRET_PARAMETERS, secrets)
              .addVar(COMPONENTS, comps)
              .addVar(MEMBER, member);
      case READY -> builder.addVar(SELF, SimpleType.DYN);
      case INCLUDE -> {}
    }
    return builder.build();
  }

  private static Map<String, CelType> typesOf(Map<String, JsonNode> values) {
    Map<String, CelType> types = new LinkedHashMap<>();
    values.forEach((name, value) -> types.put(name, typeOf(value)));
    return types;
  }

  /** The CEL type of a parameter, from the value given. */
  static CelType typeOf(JsonNode value) {
    if (value == null || value.isNull()) {
      return SimpleType.DYN;
    }
    if (value.isTextual()) {
      return SimpleType.STRING;
    }
    if (value.isBoolean()) {
      return SimpleType.BOOL;
    }
    if (value.isIntegralNumber()) {
      return SimpleType.INT;
    }
    if (value.isNumber()) {
      return SimpleType.DOUBLE;
    }
    if (value.isArray()) {
      return ListType.create(SimpleType.DYN);
    }
    return MapType.create(SimpleType.STRING, SimpleType.DYN);
  }

  private static StructType struct(String name, Map<String, CelType> fields) {
    Map<String, CelType> copy = Map.copyOf(fields);
    return StructType.create(
        name, ImmutableSet.copyOf(fields.keySet()), f -> Optional.ofNullable(copy.get(f)));
  }

  private static CelTypeProvider provider(List<StructType> structs) {
    return new CelTypeProvider() {
      @Override
      public ImmutableList<CelType> types() {
        return ImmutableList.copyOf(structs);
      }

      @Override
      public Optional<CelType> findType(String name) {
        return structs.stream()
            .filter(s -> s.name().equals(name))
            .map(s -> (CelType) s)
            .findFirst();
      }
    };
  }

  /** The components an expression reads: every {@code components.<name>}. */
  static Set<String> referencedComponents(CelAbstractSyntaxTree ast) {
    Set<String> names = new LinkedHashSet<>();
    selects(ast)
        .filter(s -> isIdent(s.select().operand(), COMPONENTS))
        .forEach(s -> names.add(s.select().field()));
    return names;
  }

  private static boolean readsVariable(CelAbstractSyntaxTree ast, String variable) {
    return CelNavigableAst.fromAst(ast)
        .getRoot()
        .allNodes()
        .map(CelNavigableExpr::expr)
        .anyMatch(e -> isIdent(e, variable));
  }

  /** Whether it reads {@code components.<any>.<field>}. */
  /**
   * Whether any select in the expression names {@code field}, or any index is that constant:
   * components.db.secret, but also components.dbs[0].secret, a macro's m.secret and x["secret"], so
   * no form of reading a Secret's values slips past the check.
   */
  private static boolean readsAnyField(CelAbstractSyntaxTree ast, String field) {
    boolean selected = selects(ast).anyMatch(s -> s.select().field().equals(field));
    boolean indexed =
        CelNavigableAst.fromAst(ast)
            .getRoot()
            .allNodes()
            .map(CelNavigableExpr::expr)
            .filter(e -> e.exprKind().getKind() == CelExpr.ExprKind.Kind.CONSTANT)
            .anyMatch(
                e ->
                    e.constant().getKind() == dev.cel.common.ast.CelConstant.Kind.STRING_VALUE
                        && field.equals(e.constant().stringValue()));
    return selected || indexed;
  }

  private static java.util.stream.Stream<CelExpr> selects(CelAbstractSyntaxTree ast) {
    return CelNavigableAst.fromAst(ast)
        .getRoot()
        .allNodes()
        .map(CelNavigableExpr::expr)
        .filter(e -> e.exprKind().getKind() == CelExpr.ExprKind.Kind.SELECT);
  }

  private static boolean isIdent(CelExpr expr, String name) {
    return expr.exprKind().getKind() == CelExpr.ExprKind.Kind.IDENT
        && expr.ident().name().equals(name);
  }
}
