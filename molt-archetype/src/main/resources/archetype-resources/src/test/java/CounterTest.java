package ${package};

import static org.assertj.core.api.Assertions.assertThat;

import dev.molt.behaviour.Init;
import dev.molt.behaviour.Reply;
import org.junit.jupiter.api.Test;

/** The callbacks are functions of the state: tested without a node. */
class CounterTest {
  @Test
  void countsHitsByName() throws Exception {
    Counter counter = new Counter();
    Counter.State state = ((Init.Ok<Counter.State>) counter.init(null)).state();
    Reply<Counter.State> first = (Reply<Counter.State>) counter.handleCall(new Counter.Hit("a"), null, state);
    Reply<Counter.State> second =
        (Reply<Counter.State>) counter.handleCall(new Counter.Hit("a"), null, first.state());
    assertThat(first.reply()).isEqualTo(1L);
    assertThat(second.reply()).isEqualTo(2L);
    assertThat(((Reply<Counter.State>) counter.handleCall(new Counter.Count("b"), null, second.state())).reply())
        .isEqualTo(0L);
  }
}
