package dev.molt.release;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.function.BiFunction;
import java.util.function.Function;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Fuzzing the parsers (descriptor, appup, relup and release config): whatever the input, each
 * returns a model or throws {@link FormatException} at a position inside the input, and what it
 * returns writes back to text it reads back equal.
 */
class FormatFuzzTest {
  private record Format(
      String name,
      String valid,
      BiFunction<String, String, Object> parse,
      Function<Object, String> write) {
    @Override
    public String toString() {
      return name;
    }
  }

  private static final List<Format> FORMATS =
      List.of(
          new Format(
              "release",
              FormatsTest.RELEASE,
              ReleaseDescriptor::parse,
              m -> ((ReleaseDescriptor) m).write()),
          new Format("appup", FormatsTest.APPUP, Appup::parse, m -> ((Appup) m).write()),
          new Format("relup", RELUP(), Relup::parse, m -> ((Relup) m).write()),
          new Format(
              "config",
              "config kv port=4040 greeting=\"hi\" names=[a, \"b c\"]\nconfig store size=10\n",
              ReleaseConfig::parse,
              m -> ((ReleaseConfig) m).write("fuzz")));

  private static String RELUP() {
    return RelupGenerator.generate(
            RelupGeneratorTest.V2,
            List.of(RelupGeneratorTest.V1),
            java.util.Map.of(
                "kv", RelupGeneratorTest.KV_APPUP, "store", RelupGeneratorTest.STORE_APPUP))
        .write();
  }

  @Provide
  Arbitrary<Format> formats() {
    return Arbitraries.of(FORMATS);
  }

  /** Characters that matter to the syntax, plus letters, digits, blanks, controls and non-ASCII. */
  @Provide
  Arbitrary<String> noise() {
    return Arbitraries.strings()
        .withChars("{}[]=,;\"#\\\n\t \r.-_/:*")
        .withCharRange('a', 'z')
        .withCharRange('0', '9')
        .withChars('\u0000', '\u0007', '\u007f', '\u00e9', '\u2028', '\ud83d', '\ude00')
        .ofMaxLength(300);
  }

  @Property(tries = 600)
  void randomTextEitherParsesOrFailsWithAFormatException(
      @ForAll("formats") Format format, @ForAll("noise") String text) {
    check(format, text);
  }

  @Property(tries = 600)
  void randomTextAfterAValidHeaderEitherParsesOrFailsWithAFormatException(
      @ForAll("formats") Format format, @ForAll("noise") String text) {
    String header =
        format.valid.indexOf('{') < 0
            ? ""
            : format.valid.substring(0, format.valid.indexOf('{') + 1);
    check(format, header + "\n" + text + "\n}");
  }

  @Provide
  Arbitrary<String> mutations() {
    return formats()
        .flatMap(
            format -> {
              String valid = format.valid;
              Arbitrary<Integer> at = Arbitraries.integers().between(0, valid.length());
              Arbitrary<String> token =
                  Arbitraries.of(
                      "{",
                      "}",
                      "[",
                      "]",
                      "=",
                      ",",
                      ";",
                      "\"",
                      "#",
                      "\\",
                      "\n",
                      "x=",
                      "up",
                      "down",
                      "update",
                      "..",
                      "/",
                      "1.0.0",
                      "java 25",
                      "module kv ../x",
                      "",
                      "\u0000",
                      "{ { {");
              return Combinators.combine(at, at, token, Arbitraries.integers().between(0, 3))
                  .as(
                      (a, b, t, kind) -> {
                        int from = Math.min(a, b);
                        int to = Math.max(a, b);
                        String mutated =
                            switch (kind) {
                              case 0 -> valid.substring(0, from) + valid.substring(to);
                              case 1 -> valid.substring(0, from) + t + valid.substring(from);
                              case 2 -> valid.substring(0, from);
                              default ->
                                  valid.substring(0, from)
                                      + valid.substring(from, to)
                                      + valid.substring(from);
                            };
                        return format.name + "\u0001" + mutated;
                      });
            });
  }

  @Property(tries = 1500)
  void mutatedValidFilesEitherParseOrFailWithAFormatException(@ForAll("mutations") String tagged) {
    int split = tagged.indexOf('\u0001');
    String name = tagged.substring(0, split);
    Format format = FORMATS.stream().filter(f -> f.name.equals(name)).findFirst().orElseThrow();
    check(format, tagged.substring(split + 1));
  }

  private static void check(Format format, String text) {
    Object model;
    try {
      model = format.parse.apply("fuzz." + format.name, text);
    } catch (FormatException e) {
      long lines = text.chars().filter(c -> c == '\n').count() + 1;
      assertThat(e.file()).isEqualTo("fuzz." + format.name);
      assertThat(e.line()).isBetween(1, (int) lines);
      assertThat(e.column()).isBetween(1, text.length() + 1);
      assertThat(e.reason()).isNotBlank();
      return;
    }
    assertThat(format.parse.apply("rewritten", format.write.apply(model))).isEqualTo(model);
  }
}
