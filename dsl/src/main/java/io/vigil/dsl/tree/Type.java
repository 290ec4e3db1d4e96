package io.vigil.dsl.tree;

/** The static types of the language. {@code json} is any JSON value, checked at run time. */
public sealed interface Type {
  enum Primitive implements Type {
    STRING("string"), NUMBER("number"), BOOL("bool"), JSON("json");

    private final String keyword;

    Primitive(String keyword) {
      this.keyword = keyword;
    }

    @Override
    public String toString() {
      return keyword;
    }
  }

  record ListOf(Type element) implements Type {
    @Override
    public String toString() {
      return "list<" + element + ">";
    }
  }
}
