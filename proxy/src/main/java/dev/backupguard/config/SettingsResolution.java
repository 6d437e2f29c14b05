package dev.backupguard.config;

import dev.backupguard.config.Settings.OnConfigError;
import dev.backupguard.protocol.Mode;
import dev.backupguard.protocol.Rule;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Given values, lowest precedence first, resolved into {@link Settings} by one policy, as OpenTelemetry's SDK does
 * for its own: an unknown key is a warning and is ignored; an invalid value of a known key is an error, and what
 * follows is {@code backupguard.on-config-error}: {@code refuse} (the default: the key's default applies and every
 * backup session is refused with the error), {@code defaults}, or {@code off}. {@code enabled=false} is a warning
 * too, so the guard is never off without a line that says where it was turned off.
 *
 * @param settings the settings to guard with
 * @param unknown  WARN lines: unknown keys and rules, each with where it was given and the nearest known one
 * @param errors   ERROR lines: invalid values, each with where it was given and what is accepted
 * @param off      a WARN line when the settings turn backup-guard off by {@code enabled=false}, else null
 */
public record SettingsResolution(Settings settings, List<String> unknown, List<String> errors, String off) {

    private static final int VALUE_SHOWN = 80;
    /** What {@link #value} returns for an invalid value (a valid one may be null: no trace file, say). */
    private static final Object INVALID = new Object();

    static SettingsResolution of(List<Source.Given> given) {
        Map<String, Source.Given> last = new LinkedHashMap<>();
        List<String> unknown = new ArrayList<>();
        for (Source.Given g : given) {
            if (KeyNames.isKnown(g.key()) || KeyNames.isRule(g.key()) && KeyNames.rule(g.key()) != null) {
                last.put(g.key(), g);
            } else {
                unknown.add(unknownMessage(g));
            }
        }
        OnConfigError policy = OnConfigError.REFUSE;
        Source.Given policyGiven = last.get(Settings.ON_CONFIG_ERROR.name());
        if (policyGiven != null) {
            try {
                policy = Settings.ON_CONFIG_ERROR.parse(policyGiven.value());
            } catch (IllegalArgumentException e) {
                // reported with the others below; the default policy applies
            }
        }
        List<String> errors = new ArrayList<>();
        List<String> refusals = new ArrayList<>();
        Map<String, Object> parsed = new HashMap<>();
        LinkedHashMap<String, String> texts = new LinkedHashMap<>();
        Map<Rule, Mode> rules = new EnumMap<>(Rule.class);
        for (Setting<?> s : Settings.KEYS) {
            if (s == Settings.RULE) {
                for (Source.Given g : last.values()) {
                    if (KeyNames.isRule(g.key())) {
                        Object m = value(s, g, policy, errors, refusals);
                        if (m != INVALID) {
                            rules.put(KeyNames.rule(g.key()), (Mode) m);
                            texts.put(g.key(), g.value().trim());
                        }
                    }
                }
                continue;
            }
            Source.Given g = last.get(s.name());
            Object v = g == null ? INVALID : value(s, g, policy, errors, refusals);
            parsed.put(s.name(), v != INVALID ? v : s.fallbackValue());
            texts.put(s.name(), v != INVALID ? g.value().trim() : s.fallback());
        }
        Settings.Values values = new Settings.Values(parsed, texts);
        boolean enabled = values.get(Settings.ENABLED) && !(policy == OnConfigError.OFF && !errors.isEmpty());
        String configError = policy == OnConfigError.REFUSE && !refusals.isEmpty()
                ? "backup-guard refuses backup sessions: its configuration has errors: " + String.join("; ", refusals)
                + ". Correct the setting, or set backupguard.on-config-error=defaults to go on with the defaults"
                : null;
        Source.Given enabledGiven = last.get(Settings.ENABLED.name());
        String off = values.get(Settings.ENABLED) ? null : "backup-guard is OFF: " + enabledGiven.where() + " is '"
                + shown(enabledGiven.value()) + "'; the connections it applies to are not guarded";
        return new SettingsResolution(Settings.of(values, rules, enabled, configError), List.copyOf(unknown),
                List.copyOf(errors), off);
    }

    /** The parsed value, or {@link #INVALID} after reporting it. */
    private static Object value(Setting<?> s, Source.Given g, OnConfigError policy, List<String> errors,
                                List<String> refusals) {
        try {
            return s.parse(g.value());
        } catch (IllegalArgumentException e) {
            String what = g.where() + " is '" + shown(g.value()) + "', not " + s.accepts();
            refusals.add(what);
            errors.add("backup-guard configuration error: " + what + "; " + switch (policy) {
                case REFUSE -> "every backup session is refused until it is corrected (backupguard.on-config-error=refuse)";
                case DEFAULTS -> "the default " + (s == Settings.RULE ? "(the mode)" : "'" + s.fallback() + "'")
                        + " applies (backupguard.on-config-error=defaults)";
                case OFF -> "backup-guard is OFF (backupguard.on-config-error=off)";
            });
            return INVALID;
        }
    }

    private static String unknownMessage(Source.Given g) {
        if (KeyNames.isRule(g.key())) {
            String id = g.key().substring("rule.".length());
            String near = KeyNames.nearestRule(id);
            return "backup-guard: " + g.where() + " names no rule: '" + shown(id) + "' is unknown and the setting is "
                    + "ignored" + (near != null ? "; did you mean " + g.source().spell("rule." + near) + "?" : "")
                    + " (rules: " + ruleIds() + ")";
        }
        String near = KeyNames.nearestKey(g.key());
        return "backup-guard: " + g.where() + " is not a backup-guard setting and is ignored"
                + (near != null ? "; did you mean " + g.source().spell(near) + "?" : "");
    }

    private static String ruleIds() {
        StringBuilder b = new StringBuilder();
        for (Rule r : Rule.values()) {
            b.append(b.length() == 0 ? "" : ", ").append(r.id());
        }
        return b.toString();
    }

    private static String shown(String value) {
        String v = value.trim();
        return v.length() <= VALUE_SHOWN ? v : v.substring(0, VALUE_SHOWN) + "...";
    }
}
