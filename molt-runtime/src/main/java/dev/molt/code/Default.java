package dev.molt.code;

import static org.apiguardian.api.API.Status.STABLE;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.apiguardian.api.API;

/**
 * The value a record component takes when state from an older version, which did not have the
 * component, is migrated to this version.
 *
 * <pre>{@code
 * record State(Map<String, Object> data, @Default("0") long requests) {}
 * record Session(String user, @Default(method = "noRoles") Set<String> roles) {
 *   static Set<String> noRoles() { return Set.of(); }
 * }
 * }</pre>
 *
 * <p>{@link #value} is parsed by the component's type: a number or boolean for primitives and their
 * boxes, the text itself for {@code String}, a constant's name for an enum. For anything else name
 * a static, no-argument {@link #method} of the record that returns the default. A new component
 * without a default is an error before anything switches, unless {@code codeChange} is overridden
 * to build the state itself.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.RECORD_COMPONENT)
@API(status = STABLE, since = "0.1")
public @interface Default {
  /** The default as text, parsed by the component's type. */
  String value() default "";

  /** The name of a static no-argument method of the record that returns the default. */
  String method() default "";
}
