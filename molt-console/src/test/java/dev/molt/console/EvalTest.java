package dev.molt.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The JShell engine of {@code eval} and the console, in this JVM. */
class EvalTest {
  @TempDir Path scratch;

  @Test
  void variablesLastUntilTheShellIsRenewed() throws Exception {
    try (Eval eval = new Eval(scratch, false, 2)) {
      assertThat(eval.eval("var x = 20; x + 22")).isEqualTo("20\n42");
      assertThat(eval.eval("x")).isEqualTo("20");
      assertThatThrownBy(() -> eval.eval("x"))
          .as("the third evaluation starts a fresh shell")
          .isInstanceOf(ConsoleSession.ConsoleError.class)
          .hasMessageStartingWith("does not compile: cannot find symbol");
      assertThat(eval.eval("1 + 1")).isEqualTo("2");
    }
  }

  @Test
  void aConsoleNamesItsVariablesAndReportsExceptionsWithTheirStack() throws Exception {
    try (Eval eval = new Eval(scratch, true, 0)) {
      assertThat(eval.eval("var y = 5")).isEqualTo("y ==> 5");
      assertThatThrownBy(() -> eval.eval("Integer.parseInt(\"x\")"))
          .isInstanceOf(ConsoleSession.ConsoleError.class)
          .hasMessageStartingWith("java.lang.NumberFormatException: For input string: \"x\"")
          .hasMessageContaining("\tat ");
      assertThatThrownBy(() -> eval.eval("1 +")).hasMessageStartingWith("incomplete Java");
      assertThat(eval.eval("y * 2")).isEqualTo("10");
    }
  }

  @Test // issue 12: after the node's code changed, an earlier declaration is reported plainly
  void aDeclarationFromBeforeACodeChangeIsReportedPlainly() throws Exception {
    Path sources = java.nio.file.Files.createTempDirectory("evalgen");
    Path src = java.nio.file.Files.createDirectories(sources.resolve("test/evalgen"));
    java.nio.file.Files.writeString(
        src.resolve("Gen.java"),
        "package test.evalgen; public final class Gen { public static int v() { return 1; } }");
    try (Eval eval = new Eval(scratch.resolve("eval"), true, 0)) {
      assertThat(eval.eval("var n = 20")).isEqualTo("n ==> 20");
      dev.molt.code.CodeServer.load(
          dev.molt.code.ModuleSource.sources("evalgen", src.resolve("Gen.java")));
      String next;
      try {
        next = eval.eval("n + 1");
      } catch (ConsoleSession.ConsoleError e) {
        next = e.getMessage();
      }
      assertThat(next)
          .startsWith("| the node's code changed since the last evaluation")
          .satisfiesAnyOf(
              text -> assertThat(text).endsWith("21"),
              text -> assertThat(text).contains("declared before the node's code changed"))
          .doesNotContain("IllegalAccessError");
      assertThat(eval.eval("var n = 30")).isEqualTo("n ==> 30");
      assertThat(eval.eval("n + 1 + Gen.v()")).isEqualTo("32");
    }
  }

  @Test // issue 14: a downgrade that removes a library left its import failing every snippet
  void aPackageNoModuleHasAnyMoreIsNoLongerImported() throws Exception {
    Path sources = java.nio.file.Files.createTempDirectory("evallib");
    Path src = java.nio.file.Files.createDirectories(sources.resolve("test/evallib/gone"));
    java.nio.file.Files.writeString(
        src.resolve("Lib.java"),
        "package test.evallib.gone; public final class Lib { public static int v() { return 7; } }");
    try (Eval eval = new Eval(scratch.resolve("eval"), false, 0)) {
      dev.molt.code.CodeServer.load(
          dev.molt.code.ModuleSource.sources("evallib", src.resolve("Lib.java")));
      assertThat(eval.eval("Lib.v()")).isEqualTo("7");
      dev.molt.code.CodeServer.delete("evallib");
      dev.molt.code.CodeServer.purge("evallib");
      assertThat(eval.eval("1 + 1")).as("the import of the gone package is dropped").isEqualTo("2");
      assertThatThrownBy(() -> eval.eval("Lib.v()"))
          .isInstanceOf(ConsoleSession.ConsoleError.class)
          .hasMessageContaining("cannot find symbol");
    }
  }
}
