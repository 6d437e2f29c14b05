package dev.backupguard.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Properties;

/**
 * What the guard knows of a connection before it is guarded, read once from its URL and Properties with the
 * driver's own rules ({@link Connector}): the user name (for {@code backupguard.backup-users}), whether the driver
 * sends multi-statement text ({@code allowMultiQueries}), and the connection's own {@code backupguard.*} settings.
 * The URL driver, the DataSource and the agent all take it from here. The password is never read.
 *
 * @param user            the user name, or null when unknown
 * @param multiStatements whether the driver allows several statements in one text
 * @param settings        the connection's {@code backupguard.*} values, in the driver's order of precedence
 */
public record ConnectionIdentity(String user, boolean multiStatements, List<Source.Given> settings) {

    public static final ConnectionIdentity UNKNOWN = new ConnectionIdentity(null, true, List.of());

    private static final String ALLOW_MULTI_QUERIES = "allowMultiQueries";

    /**
     * A connection a driver opens from {@code url} and {@code info} ({@code Driver.connect}). {@code backupguard.*}
     * values are percent-decoded whatever the driver does with its own.
     */
    public static ConnectionIdentity of(Connector connector, String url, Properties info) {
        List<String[]> params = connector.urlParameters(url);
        List<String> multi = connector.option(ALLOW_MULTI_QUERIES, params, info);
        multi.addAll(connector.hostOption(ALLOW_MULTI_QUERIES, url));
        boolean multiStatements = false;
        for (String v : multi) {
            multiStatements |= connector.isTrue(v);
        }
        String user = connector.authorityUser(url);
        if (user == null) {
            List<String> users = connector.option("user", params, info);
            user = users.isEmpty() ? null : users.get(users.size() - 1);
        }
        List<Source.Given> fromUrl = new ArrayList<>();
        for (String[] p : params) {
            if (p[1] != null && p[0].toLowerCase(Locale.ROOT).startsWith(Settings.PREFIX)) {
                String key = connector == Connector.MARIADB ? Connector.decode(p[0]) : p[0];
                fromUrl.add(new Source.Given(KeyNames.canonical(key), connector == Connector.MARIADB
                        ? Connector.decode(p[1]) : p[1], Source.URL_PARAMETER, key));
            }
        }
        List<Source.Given> fromProperties = info == null ? List.of()
                : SettingsSources.prefixed(info, Source.CONNECTION_PROPERTY, "");
        List<Source.Given> settings = new ArrayList<>();
        // The driver's precedence: MariaDB Connector/J lets the URL win, MySQL Connector/J the Properties.
        settings.addAll(connector == Connector.MARIADB ? fromProperties : fromUrl);
        settings.addAll(connector == Connector.MARIADB ? fromUrl : fromProperties);
        return new ConnectionIdentity(user, multiStatements, List.copyOf(settings));
    }

    /** The same connection with a user name given by the caller ({@code getConnection(user, password)}). */
    public ConnectionIdentity withUser(String name) {
        return name == null ? this : new ConnectionIdentity(name, multiStatements, settings);
    }

    /** The same connection with more {@code backupguard.*} values, over its own. */
    public ConnectionIdentity withSettings(List<Source.Given> more) {
        List<Source.Given> all = new ArrayList<>(settings);
        all.addAll(more);
        return new ConnectionIdentity(user, multiStatements, List.copyOf(all));
    }
}
