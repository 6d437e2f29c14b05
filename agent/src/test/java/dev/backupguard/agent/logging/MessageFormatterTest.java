package dev.backupguard.agent.logging;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class MessageFormatterTest {

    @Test
    void placeholdersTakeTheArgumentsInOrder() {
        MessageFormatter.Formatted f = MessageFormatter.format("a {} b {} c {}", new Object[]{1, "two"});
        assertThat(f.message()).isEqualTo("a 1 b two c {}");
        assertThat(f.throwable()).isNull();
    }

    @Test
    void aLastThrowableWithoutPlaceholderIsTheException() {
        IllegalStateException e = new IllegalStateException("x");
        MessageFormatter.Formatted f = MessageFormatter.format("failed on {}", new Object[]{42, e});
        assertThat(f.message()).isEqualTo("failed on 42");
        assertThat(f.throwable()).isSameAs(e);
    }

    @Test
    void aThrowableThatFillsAPlaceholderIsText() {
        IllegalStateException e = new IllegalStateException("x");
        MessageFormatter.Formatted f = MessageFormatter.format("failed: {}", new Object[]{e});
        assertThat(f.message()).isEqualTo("failed: java.lang.IllegalStateException: x");
        assertThat(f.throwable()).isNull();
    }

    @Test
    void escapedPlaceholdersStayAndNullsPrint() {
        assertThat(MessageFormatter.format("\\{} {}", new Object[]{null}).message()).isEqualTo("{} null");
        assertThat(MessageFormatter.format(null, null).message()).isEqualTo("null");
    }
}
