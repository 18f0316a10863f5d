package dev.zkscope.viz;

import javafx.collections.ListChangeListener;
import javafx.scene.control.Label;
import javafx.scene.control.TableColumn;
import javafx.scene.control.TableView;
import javafx.scene.text.Text;

/**
 * How every table of the app fits a window of any size: columns keep the widths that make their headers and figures
 * readable, a window narrower than the table scrolls it sideways (a constrained resize policy would instead squeeze
 * the columns past their minimum widths off the right edge, out of reach), and the "+" button at the right of the
 * header shows or hides columns. A column whose width the view did not set is widened to its header and its
 * longest cell (up to {@link #MAX_AUTO_WIDTH}) whenever the rows change.
 */
public final class TableSizing {
    static final double MAX_AUTO_WIDTH = 420;
    private static final double DEFAULT_WIDTH = 80; // JavaFX's default TableColumn width
    private static final String AUTO = "zkscope.autoWidth";

    private TableSizing() {}

    public static void scrollable(TableView<?> table) {
        table.setColumnResizePolicy(TableView.UNCONSTRAINED_RESIZE_POLICY);
        table.setTableMenuButtonVisible(true);
        table.getItems().addListener((ListChangeListener<Object>) c -> fit(table));
        table.getColumns().addListener((ListChangeListener<Object>) c -> fit(table));
        table.itemsProperty().addListener((o, a, b) -> fit(table));
    }

    /** Widens the columns whose width was left at the default to their header and contents (first 500 rows). */
    static <S> void fit(TableView<S> table) {
        for (TableColumn<S, ?> c : table.getColumns()) {
            if (c.getPrefWidth() != DEFAULT_WIDTH && !c.getProperties().containsKey(AUTO)) {
                continue;
            }
            c.getProperties().put(AUTO, Boolean.TRUE);
            String header = c.getGraphic() instanceof Label ? ((Label) c.getGraphic()).getText() : c.getText();
            double w = width(header) + 18;
            int n = Math.min(500, table.getItems().size());
            for (int i = 0; i < n; i++) {
                Object v = c.getCellData(i);
                if (v != null) {
                    for (String line : v.toString().split("\n")) {
                        w = Math.max(w, width(line) + 14);
                    }
                }
            }
            c.setPrefWidth(Math.min(MAX_AUTO_WIDTH, Math.ceil(w)));
        }
    }

    private static double width(String s) {
        return s == null ? 0 : new Text(s).getLayoutBounds().getWidth();
    }
}
