package dev.molt.release;

import static org.assertj.core.api.Assertions.assertThat;

import dev.molt.Pid;
import dev.molt.behaviour.GenServer;
import dev.molt.code.CodeServer;
import dev.molt.code.ModuleSource;
import dev.molt.release.AppupInstruction.LoadModule;
import dev.molt.release.AppupInstruction.Update;
import dev.molt.sys.Sys;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * The appup generator and the runtime must never disagree. Each case of the corpus ({@code
 * src/test/resources/appup-corpus/*.case}) is two builds of a module, v1 and v2, and what is
 * expected of them: the instruction and the notes the generator gives, and what the live server
 * answers. The test builds both, runs the generator, then applies the change live, as the generator
 * says (an {@code update}: suspend, load, change code, resume; a {@code load_module}: load, and the
 * next message switches), to a real server of v1 holding the case's state:
 *
 * <ul>
 *   <li>where the generator says the change is safe (no note), the runtime migrates it exactly: the
 *       server is on v2 and v2's own code describes the migrated state as the case expects;
 *   <li>where it says a person must finish (a note), the runtime refuses without that person's
 *       code: the server is still on v1, with its state, and answers as before;
 *   <li>where the generator remarks a change whose outcome depends on the values (two set elements
 *       equal under v2's {@code equals}), the case says what its values make the runtime do;
 *   <li>where the case has the person's code ({@code fix}), the generator has no note for it and
 *       the runtime moves the server with it.
 * </ul>
 *
 * Strict mode is on in the tests ({@code -Dmolt.migration.strict=true}), so every migrated state is
 * also walked for objects of the old version. Case format: {@code # story}, then {@code key: value}
 * lines ({@code instruction}, {@code note}, {@code remark}, {@code refused}, {@code before}, {@code
 * after}, {@code fixed}), then sections {@code === v1 Server} (a server class body, in a template
 * that answers every call with {@code describe(state)}), {@code === v2 @Renamed("…") Handler} (the
 * template under another name, with annotations), or {@code === v2 file model/Item.java} (a whole
 * file, under the case's package). {@code $pkg} is the case's package; {@code fix} starts from v2's
 * files.
 */
class AppupCorpusTest {
  private static final String TEMPLATE =
      """
      package $pkg;
      import dev.molt.*;
      import dev.molt.behaviour.*;
      import dev.molt.code.*;
      import java.util.*;
      import java.util.concurrent.*;
      import java.util.concurrent.atomic.*;
      import java.util.function.*;
      $annotations
      public final class $class implements GenServer<$state> {
      $body
        public Init<State> init(Object arg) { return Init.ok($init); }
        public CallResult<State> handleCall(Object request, From from, State state) {
          return new Reply<>(describe(state), state);
        }
        public CastResult<State> handleCast(Object request, State state) { return new NoReply<>(state); }
      }
      """;

  @TempDir Path work;

  /** One case: its expectations and the sources of each version (path to text). */
  record Case(
      String id,
      String story,
      Map<String, List<String>> expect,
      Map<String, Map<String, String>> versions) {

    String one(String key) {
      List<String> values = expect.getOrDefault(key, List.of());
      return values.isEmpty() ? null : values.getFirst();
    }

    List<String> all(String key) {
      return expect.getOrDefault(key, List.of());
    }

    String pkg() {
      return "corpus." + id;
    }

    String module() {
      return "corpus-" + id;
    }
  }

  static List<Path> caseFiles() throws IOException, URISyntaxException {
    Path dir = Path.of(AppupCorpusTest.class.getResource("/appup-corpus").toURI());
    try (Stream<Path> files = Files.list(dir)) {
      return files.filter(f -> f.toString().endsWith(".case")).sorted().toList();
    }
  }

  static Case parse(Path file) throws IOException {
    String name = file.getFileName().toString();
    String id = "c" + name.substring(0, name.indexOf('-'));
    String pkg = "corpus." + id;
    StringBuilder story = new StringBuilder();
    Map<String, List<String>> expect = new LinkedHashMap<>();
    Map<String, Map<String, String>> versions = new LinkedHashMap<>();
    String version = null;
    String path = null;
    String header = null;
    StringBuilder body = new StringBuilder();
    List<String> lines = new ArrayList<>(Files.readAllLines(file));
    lines.add("=== end");
    for (String line : lines) {
      if (line.startsWith("=== ")) {
        if (version != null) {
          String text = body.toString().replace("$pkg", pkg);
          String source = header == null ? text : template(pkg, header, text);
          versions.computeIfAbsent(version, v -> new LinkedHashMap<>()).put(path, source);
        }
        String[] words = line.substring(4).trim().split(" ", 2);
        version = words[0];
        body.setLength(0);
        if (version.equals("end")) {
          break;
        }
        String rest = words[1].trim().replace("$pkg", pkg);
        if (rest.startsWith("file ")) {
          header = null;
          path = pkg.replace('.', '/') + "/" + rest.substring("file ".length()).trim();
        } else {
          header = rest;
          String className = rest.substring(rest.lastIndexOf(' ') + 1);
          path = pkg.replace('.', '/') + "/" + className + ".java";
        }
      } else if (version != null) {
        body.append(line).append('\n');
      } else if (line.startsWith("#")) {
        story.append(line.substring(1).trim()).append(' ');
      } else if (line.contains(":")) {
        int colon = line.indexOf(':');
        expect
            .computeIfAbsent(line.substring(0, colon).trim(), k -> new ArrayList<>())
            .add(line.substring(colon + 1).trim().replace("$pkg", pkg));
      }
    }
    Map<String, String> fix = versions.remove("fix");
    if (fix != null) {
      Map<String, String> fixed = new LinkedHashMap<>(versions.get("v2"));
      fixed.putAll(fix);
      versions.put("fix", fixed);
    }
    return new Case(id, story.toString().trim(), expect, versions);
  }

  private static String template(String pkg, String header, String body) {
    String className = header.substring(header.lastIndexOf(' ') + 1);
    String annotations = header.contains(" ") ? header.substring(0, header.lastIndexOf(' ')) : "";
    return TEMPLATE
        .replace("$pkg", pkg)
        .replace("$annotations", annotations)
        .replace("$state", body.contains("record State(") ? className + ".State" : "State")
        .replace("$class", className)
        .replace("$init", body.contains("static State sample()") ? "sample()" : "null")
        .replace("$body", body);
  }

  @Test
  void theCorpusHasAtLeastThirtyKindsOfChange() throws Exception {
    assertThat(caseFiles()).hasSizeGreaterThanOrEqualTo(30);
  }

  @TestFactory
  Stream<DynamicTest> generatorAndRuntimeAgree() throws Exception {
    return caseFiles().stream()
        .map(
            file ->
                DynamicTest.dynamicTest(
                    file.getFileName().toString(), file.toUri(), () -> check(parse(file))));
  }

  private void check(Case c) throws Exception {
    Path dir = work.resolve(c.id());
    Map<String, Path> builds = new LinkedHashMap<>();
    for (Map.Entry<String, Map<String, String>> version : c.versions().entrySet()) {
      builds.put(
          version.getKey(),
          TestCompiler.compile(dir.resolve(version.getKey()), version.getValue()));
    }
    Map<String, byte[]> v1 = TestCompiler.classes(builds.get("v1"));

    // what the generator says
    AppupGenerator.Result result = generate(c, v1, TestCompiler.classes(builds.get("v2")));
    List<AppupInstruction> up = result.appup().upFrom("1").orElseThrow().instructions();
    String instruction =
        up.isEmpty()
            ? "none"
            : up.getFirst() instanceof LoadModule
                ? "load_module"
                : up.getFirst() instanceof Update ? "update" : up.getFirst().toString();
    assertThat(instruction).as("%s: the instruction", c.story()).isEqualTo(c.one("instruction"));
    assertThat(result.notes()).as("%s: the notes", c.story()).hasSameSizeAs(c.all("note"));
    for (String note : c.all("note")) {
      assertThat(result.notes()).as("the notes").anyMatch(n -> n.contains(note));
    }
    assertThat(result.remarks()).as("%s: the remarks", c.story()).hasSameSizeAs(c.all("remark"));
    for (String remark : c.all("remark")) {
      assertThat(result.remarks()).as("the remarks").anyMatch(r -> r.contains(remark));
    }

    // what the runtime does
    CodeServer.load(ModuleSource.directory(c.module(), builds.get("v1")));
    Pid server =
        GenServer.start(
            CodeServer.newInstance(
                CodeServer.currentClass(c.pkg() + ".Server").orElseThrow(), GenServer.class),
            null);
    try {
      String before = describe(server);
      if (c.one("before") != null) {
        assertThat(before).as("v1's own description").isEqualTo(c.one("before"));
      }
      Applied applied = apply(c, builds.get("v2"), server, instruction);
      if (result.notes().isEmpty() && c.one("refused") != null) {
        // a refusal that depends on the values (two keys equal under v2's equals): the generator
        // cannot see values, so it remarks the change, and the runtime refuses it only when met
        assertThat(c.all("remark"))
            .as("%s: a refusal the generator did not note is remarked", c.story())
            .isNotEmpty();
        assertThat(applied.refusal()).as("%s: refused for its values", c.story()).isNotNull();
        assertThat(applied.refusal()).contains(c.one("refused"));
        assertThat(applied.answer()).as("%s: still on v1", c.story()).isEqualTo(before);
      } else if (result.notes().isEmpty()) {
        assertThat(applied.refusal())
            .as("%s: the generator says safe, so the runtime must migrate", c.story())
            .isNull();
        assertThat(applied.answer())
            .as("%s: v2 describes the migrated state", c.story())
            .isEqualTo(c.one("after"));
      } else {
        assertThat(applied.refusal())
            .as(
                "%s: the generator says a person must finish, so the runtime must refuse",
                c.story())
            .isNotNull()
            .contains(c.one("refused"));
        assertThat(applied.answer())
            .as("%s: still on v1 with its state", c.story())
            .isEqualTo(before);
      }
      if (builds.containsKey("fix")) {
        AppupGenerator.Result fixed = generate(c, v1, TestCompiler.classes(builds.get("fix")));
        assertThat(fixed.notes())
            .as("%s: with the person's code, nothing to finish", c.story())
            .isEmpty();
        Applied withFix = apply(c, builds.get("fix"), server, "update");
        assertThat(withFix.refusal()).as("%s: the fix moves the server", c.story()).isNull();
        assertThat(withFix.answer()).as("%s: the fix's state", c.story()).isEqualTo(c.one("fixed"));
      }
    } finally {
      GenServer.stop(server);
      CodeServer.purge(c.module());
      CodeServer.delete(c.module());
      CodeServer.purge(c.module());
    }
  }

  private static AppupGenerator.Result generate(
      Case c, Map<String, byte[]> v1, Map<String, byte[]> v2) {
    return AppupGenerator.generate(
        "corpus", "1", Map.of(c.module(), v1), "2", Map.of(c.module(), v2));
  }

  /** What the runtime did with a change: why it refused (null if it did not), and the answer. */
  record Applied(String refusal, String answer) {}

  private static Applied apply(Case c, Path classes, Pid server, String instruction) {
    ModuleSource source = ModuleSource.directory(c.module(), classes);
    int from = Sys.getStatus(server).version();
    String refusal = null;
    if (instruction.equals("load_module")) {
      try {
        CodeServer.load(source);
      } catch (RuntimeException e) {
        refusal = e.getMessage();
      }
      String answer = describe(server); // the next message switches
      if (refusal == null && Sys.getStatus(server).version() == from) {
        refusal = String.valueOf(Sys.getStatus(server).lastCodeChangeFailure());
      }
      return new Applied(refusal, answer);
    }
    Sys.suspend(server);
    try {
      CodeServer.load(source);
      Sys.changeCode(server, c.module(), from, null);
    } catch (RuntimeException e) {
      refusal = e.getMessage();
    } finally {
      Sys.resume(server);
    }
    int now = Sys.getStatus(server).version();
    if (refusal == null) {
      assertThat(now).as("moved").isEqualTo(CodeServer.which(c.module()).orElseThrow().version());
    } else {
      assertThat(now).as("stayed").isEqualTo(from);
    }
    return new Applied(refusal, describe(server));
  }

  private static String describe(Pid server) {
    return String.valueOf(GenServer.call(server, "describe"));
  }
}
