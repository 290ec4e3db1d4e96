package io.vigil.llm.schema;

import io.vigil.dsl.tree.Policy;
import io.vigil.dsl.tree.Type;
import io.vigil.llm.schema.ValueSchema.AnySchema;
import io.vigil.llm.schema.ValueSchema.ArraySchema;
import io.vigil.llm.schema.ValueSchema.BooleanSchema;
import io.vigil.llm.schema.ValueSchema.NumberSchema;
import io.vigil.llm.schema.ValueSchema.ObjectSchema;
import io.vigil.llm.schema.ValueSchema.Property;
import io.vigil.llm.schema.ValueSchema.StringSchema;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Tool schemas from a policy's tool declarations: every declared parameter is required. Where the
 * caller also has richer JSON Schemas (enums, nested objects), {@link #refine} keeps those for the
 * tools the policy declares and checks that they agree on parameter names.
 */
public final class PolicyTools {
  private PolicyTools() {}

  public static List<ToolSchema> of(Policy policy) {
    List<ToolSchema> tools = new ArrayList<>();
    for (Policy.ToolDecl decl : policy.tools()) {
      List<Property> properties = new ArrayList<>();
      for (Policy.Param p : decl.params()) {
        properties.add(new Property(p.name(), schemaOf(p.type()), true));
      }
      tools.add(new ToolSchema(decl.name(), "", new ObjectSchema(properties)));
    }
    return tools;
  }

  /**
   * The caller's schemas for tools the policy declares; a tool the policy does not declare is
   * refused, as is a parameter the policy's declaration lacks (the policy could not see it).
   */
  public static List<ToolSchema> refine(Policy policy, List<ToolSchema> offered) {
    Map<String, ToolSchema> declared = of(policy).stream()
        .collect(Collectors.toMap(ToolSchema::name, Function.identity()));
    List<ToolSchema> refined = new ArrayList<>();
    for (ToolSchema tool : offered) {
      ToolSchema own = declared.get(tool.name());
      if (own == null) {
        throw new SchemaException("tool '" + tool.name() + "' is not declared by the policy");
      }
      for (Property p : tool.parameters().properties()) {
        if (own.parameters().property(p.name()).isEmpty()) {
          throw new SchemaException("tool '" + tool.name() + "' has parameter '" + p.name()
              + "' that the policy does not declare");
        }
      }
      refined.add(tool);
    }
    return refined;
  }

  static ValueSchema schemaOf(Type type) {
    if (type instanceof Type.ListOf list) {
      return new ArraySchema(schemaOf(list.element()), 0);
    }
    switch ((Type.Primitive) type) {
      case STRING:
        return StringSchema.any();
      case NUMBER:
        return new NumberSchema(false);
      case BOOL:
        return new BooleanSchema();
      default:
        return new AnySchema();
    }
  }
}
