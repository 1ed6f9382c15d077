package dev.molt.code;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.apiguardian.api.API;

/**
 * What this record component or class was called in the version before, so that migration carries
 * its values over instead of dropping them and taking a default.
 *
 * <pre>{@code
 * record Stats(@Renamed("count") long total) {}           // was record Stats(long count)
 *
 * @Renamed("shop.Basket")                                  // was shop.Basket
 * record Cart(List<Line> lines) {}
 * }</pre>
 *
 * <p>On a component, {@link #value} is the old component's name; on a class, the old class's binary
 * name ({@code shop.Order$Line} for a nested one). Without it, a component that disappears while
 * another appears is dropped and the new one takes its {@link Default}: a warning when the version
 * is prepared, and a refusal in strict mode ({@code -Dmolt.migration.strict=true}).
 */
@API(status = EXPERIMENTAL, since = "0.1")
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.RECORD_COMPONENT, ElementType.TYPE})
public @interface Renamed {
  /** The old name: a component name, or a class's binary name. */
  String value();
}
