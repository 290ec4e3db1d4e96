package io.vigil.llm.schema;

/** A tool on offer to the model: its name, a description for the prompt, and its parameters. */
public record ToolSchema(String name, String description, ValueSchema.ObjectSchema parameters) {
  public ToolSchema {
    description = description == null ? "" : description;
  }
}
