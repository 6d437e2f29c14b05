package dev.backupguard.bench;

/**
 * One benchmark's part of the results file.
 *
 * @param item     the item number (1-7)
 * @param title    a heading
 * @param markdown the table and the notes that explain it
 */
public record Section(int item, String title, String markdown) {

    public String render() {
        return "## " + item + ". " + title + "\n\n" + markdown.strip() + "\n";
    }
}
