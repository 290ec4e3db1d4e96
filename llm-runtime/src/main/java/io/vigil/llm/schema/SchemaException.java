package io.vigil.llm.schema;

/** A tool definition the runtime cannot use, with a message that names what is wrong. */
public final class SchemaException extends RuntimeException {
  public SchemaException(String message) {
    super(message);
  }
}
