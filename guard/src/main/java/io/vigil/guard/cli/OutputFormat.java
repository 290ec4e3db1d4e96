package io.vigil.guard.cli;

/** Values of {@code --format}. */
enum OutputFormat {
  text,
  json
}
