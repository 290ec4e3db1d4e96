package io.vigil.llm.grammar;

import java.util.Objects;

/**
 * A state of the tool-call automaton: an immutable stack of frames, compared by value. It holds no
 * content where the content does not constrain what may follow (a free string is "inside a string"
 * whatever it says so far), so equal states share one cached token mask.
 */
public final class GrammarState {
  final Frame head;
  final GrammarState tail;
  private final int hash;

  GrammarState(Frame head, GrammarState tail) {
    this.head = head;
    this.tail = tail;
    this.hash = 31 * head.hashCode() + (tail == null ? 0 : tail.hash);
  }

  static GrammarState push(Frame head, GrammarState tail) {
    return new GrammarState(head, tail);
  }

  /** This stack with its top frame replaced. */
  GrammarState replace(Frame top) {
    return new GrammarState(top, tail);
  }

  GrammarState feed(int b, BoundaryListener events) {
    return head.consume(this, b, events);
  }

  /** Hands a completed value to the frame below the top ({@code rest} is the stack under the finished frame). */
  static GrammarState complete(GrammarState rest, BoundaryListener events, boolean beforeByte) {
    return rest.head.childDone(rest, events, beforeByte);
  }

  /** Completes the value below, then feeds {@code b} to what follows it (values that end at a delimiter). */
  static GrammarState completeThenFeed(GrammarState rest, int b, BoundaryListener events) {
    GrammarState after = complete(rest, events, true);
    return after == null ? null : after.feed(b, events);
  }

  int depth() {
    int d = 0;
    for (GrammarState s = this; s != null; s = s.tail) {
      d++;
    }
    return d;
  }

  @Override
  public boolean equals(Object o) {
    if (this == o) {
      return true;
    }
    if (!(o instanceof GrammarState)) {
      return false;
    }
    GrammarState other = (GrammarState) o;
    return hash == other.hash && head.equals(other.head) && Objects.equals(tail, other.tail);
  }

  @Override
  public int hashCode() {
    return hash;
  }

  @Override
  public String toString() {
    StringBuilder out = new StringBuilder("[");
    for (GrammarState s = this; s != null; s = s.tail) {
      out.append(s.head);
      if (s.tail != null) {
        out.append(" | ");
      }
    }
    return out.append(']').toString();
  }
}
