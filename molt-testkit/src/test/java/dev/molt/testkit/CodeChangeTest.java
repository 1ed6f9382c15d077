package dev.molt.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.molt.code.CodeServer;
import dev.molt.code.Migration;
import dev.molt.release.TestReleases;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link CodeChange} between two compiled versions of a store server, with no release. */
class CodeChangeTest {
  @TempDir Path work;

  /** A store of items; {@code fields} are Item's components, {@code body} more of Store. */
  static String store(String pkg, String item, String state, String init, String body) {
    return """
        package %s;
        import dev.molt.behaviour.*;
        import dev.molt.code.*;
        import java.util.*;
        public final class Store implements GenServer<Store.State> {
          public record Item(%s) {}
          public record State(%s) {}
          public Init<State> init(Object arg) { return Init.ok(%s); }
          public CallResult<State> handleCall(Object request, From from, State state) {
            return new Reply<>(state, state);
          }
          public CastResult<State> handleCast(Object request, State state) { return new NoReply<>(state); }
          %s
        }
        """
        .formatted(pkg, item, state, init, body);
  }

  private CodeChange change(String tag, String v1Body, String v2Body) throws Exception {
    TestReleases r = new TestReleases(work, tag);
    Path v1 =
        r.jar(
            "1",
            store(
                r.pkg,
                "String name, int qty",
                "Map<String, Item> items",
                "new State(new HashMap<>())",
                v1Body),
            Map.of(),
            List.of());
    Path v2 =
        r.jar(
            "2",
            store(
                r.pkg,
                "String name, int qty, @Default(\"7\") long touched",
                "Map<String, Item> items, @Default(\"0\") long requests",
                "new State(new HashMap<>(), 0)",
                v2Body),
            Map.of(),
            List.of());
    return CodeChange.between(v1, v2);
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> items(Object state) {
    return (Map<String, Object>) Migration.component(state, "items");
  }

  @Test
  void movesAStateUpAndBackWithTheDefaultCodeChange() throws Exception {
    try (CodeChange change = change("cc1", "", "")) {
      String store = new TestReleases(work, "cc1").pkg + ".Store";
      Object v1 = change.initialState(store, null);
      assertThat(v1.getClass()).isSameAs(change.v1Class(store + "$State"));
      var item = change.v1Class(store + "$Item").getDeclaredConstructors()[0];
      items(v1).put("apple", item.newInstance("apple", 3));

      Object v2 = change.up(store, v1);
      assertThat(v2.getClass()).isSameAs(change.v2Class(store + "$State"));
      assertThat(Migration.component(v2, "requests")).isEqualTo(0L);
      Object apple = items(v2).get("apple");
      assertThat(apple.getClass()).isSameAs(change.v2Class(store + "$Item"));
      assertThat(apple.toString()).isEqualTo("Item[name=apple, qty=3, touched=7]");

      Object back = change.down(store, v2);
      assertThat(back.getClass()).isSameAs(change.v1Class(store + "$State"));
      assertThat(items(back).get("apple").toString()).isEqualTo("Item[name=apple, qty=3]");
    }
  }

  @Test
  void aCodeChangeThatKeepsAnOldObjectIsCaughtWithItsPath() throws Exception {
    String keepsOldItems =
        """
        public State codeChange(Object oldVsn, Object old, Object extra) {
          return new State((Map<String, Item>) Migration.component(old, "items"), 0);
        }
        """;
    try (CodeChange change =
        change("cc2", "", "@SuppressWarnings(\"unchecked\")" + keepsOldItems)) {
      String store = new TestReleases(work, "cc2").pkg + ".Store";
      Object v1 = change.initialState(store, null);
      var item = change.v1Class(store + "$Item").getDeclaredConstructors()[0];
      items(v1).put("apple", item.newInstance("apple", 3));
      assertThatThrownBy(() -> change.up(store, v1))
          .isInstanceOf(AssertionError.class)
          .hasMessageContaining(
              store
                  + ".codeChange returned a state that still holds an object of the version it"
                  + " left, at state.items[apple] ("
                  + store
                  + "$Item)");
    }
  }

  @Test
  void aComponentWithNoDefaultAndNoCodeChangeIsRefusedAsTheNodeRefusesIt() throws Exception {
    TestReleases r = new TestReleases(work, "cc5");
    Path v1 =
        r.jar(
            "1",
            store(r.pkg, "String name", "List<Item> items", "new State(new ArrayList<>())", ""));
    Path v2 =
        r.jar("2", store(r.pkg, "String name", "List<Item> items, long requests", "null", ""));
    assertThatThrownBy(() -> CodeChange.between(v1, v2))
        .hasMessageContaining(
            "record " + r.pkg + ".Store$State gains component requests, which has no @Default");
    assertThat(CodeServer.currentClass(r.pkg + ".Store")).as("nothing left loaded").isEmpty();
  }

  @Test
  void aCodeChangeThatThrowsFailsWithItsException() throws Exception {
    String refuses =
        """
        public State codeChange(Object oldVsn, Object old, Object extra) {
          throw new IllegalStateException("no way from v" + oldVsn + " with " + extra);
        }
        """;
    try (CodeChange change = change("cc3", "", refuses)) {
      String store = new TestReleases(work, "cc3").pkg + ".Store";
      Object v1 = change.initialState(store, null);
      assertThatThrownBy(() -> change.up(store, v1, "up"))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageMatching("no way from v\\d+ with up");
    }
  }

  @Test
  void closeUnloadsBothVersionsAndBadInputIsNamed() throws Exception {
    CodeChange change = change("cc4", "", "");
    String store = new TestReleases(work, "cc4").pkg + ".Store";
    assertThat(CodeServer.currentClass(store)).isPresent();
    change.close();
    assertThat(CodeServer.currentClass(store)).isEmpty();
    assertThatThrownBy(() -> CodeChange.between(work.resolve("none"), work.resolve("none")))
        .hasMessageEndingWith(
            "none does not exist (a class directory or a jar of the module's classes)");
    try (CodeChange again = change("cc4b", "", "")) {
      assertThatThrownBy(() -> again.v2Class("no.Such")).hasMessage("v2 has no class no.Such");
      assertThatThrownBy(() -> again.up("java.lang.String", "x"))
          .hasMessage(
              "v2 has no class java.lang.String (the module's loader finds one outside it)");
    }
  }
}
