package io.vigil.llm.grammar.jmh;

import io.vigil.llm.grammar.GrammarMasks;
import io.vigil.llm.grammar.GrammarState;
import io.vigil.llm.grammar.TokenTrie;
import io.vigil.llm.grammar.ToolCallGrammar;
import io.vigil.llm.schema.JsonSchemas;
import io.vigil.llm.tokenizer.O200kTokenizer;
import java.nio.charset.StandardCharsets;
import java.util.BitSet;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Token masks over o200k (about 200k tokens): a cached lookup, and a fresh computation inside a free
 * string (the costliest state: almost every token is allowed) and at a structural point.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class MaskBenchmark {
  private GrammarMasks masks;
  private GrammarState inString;
  private GrammarState afterValue;

  @Setup
  public void setUp() {
    ToolCallGrammar grammar = new ToolCallGrammar(JsonSchemas.readTools("""
        [{"name": "get_order_details", "parameters": {"type": "object", "properties": {"order_id": {"type": "string"},
          "verbose": {"type": "boolean"}}, "required": ["order_id"]}}]"""));
    masks = new GrammarMasks(grammar, new TokenTrie(new O200kTokenizer()), 1024);
    GrammarState s = grammar.chooseTool(grammar.feed(grammar.start(), utf8("{\"name\": ")), Set.of());
    s = grammar.chooseValue(grammar.feed(s, utf8("\"get_order_details\", \"arguments\": {\"order_id\": ")), null, Set.of());
    inString = grammar.feed(s, utf8("\"#W12"));
    afterValue = grammar.feed(inString, utf8("\""));
    masks.allowed(inString);
  }

  @Benchmark
  public BitSet cachedLookup() {
    return masks.allowed(inString);
  }

  @Benchmark
  public BitSet coldFreeString() {
    return masks.compute(inString);
  }

  @Benchmark
  public BitSet coldAfterValue() {
    return masks.compute(afterValue);
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

}
