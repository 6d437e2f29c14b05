package dev.backupguard.classify;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/** {@link Lexer#keyword()}: the hash-table lookup finds every keyword in any ASCII case, and nothing else. */
class KeywordTest {

    private static Keyword keywordOf(String word) {
        Lexer lexer = new Lexer(word, true);
        lexer.next();
        return lexer.keyword();
    }

    @ParameterizedTest
    @EnumSource(Keyword.class)
    void everyKeywordIsFoundInAnyCase(Keyword keyword) {
        String name = keyword.name();
        StringBuilder mixed = new StringBuilder(name.length());
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            mixed.append(i % 2 == 0 ? Character.toLowerCase(c) : c);
        }

        assertThat(keywordOf(name)).isEqualTo(keyword);
        assertThat(keywordOf(name.toLowerCase(Locale.ROOT))).isEqualTo(keyword);
        assertThat(keywordOf(mixed.toString())).isEqualTo(keyword);
    }

    @ParameterizedTest
    @ValueSource(strings = {"users", "SELECTS", "FRO", "fromm", "selec", "WITH_", "_WITH", "\u017Felect", "42", "x"})
    void otherWordsAreNoKeyword(String word) {
        assertThat(keywordOf(word)).isNull();
    }

    @Test
    void quotedNamesAndPunctuationAreNoKeyword() {
        assertThat(keywordOf("`FROM`")).isNull();
        assertThat(keywordOf("'FROM'")).isNull();
        assertThat(keywordOf("(")).isNull();
    }
}
