// The history of a document: snapshots, the progress chart, read-only views, comparisons and restore.
export { createHistoryPanel, type HistoryPanel, type HistoryPanelOptions } from './history-panel.ts'
export { progressChart } from './chart.ts'
export { snapshotView } from './snapshot-view.ts'
export { renderRedline } from './redline.ts'
export { compareView, type CompareViewOptions } from './compare-view.ts'
export { pickComparison } from './compare-dialog.ts'
export { defaultSnapshotLabel, takenBy, totalsLine, shortDate, when } from './labels.ts'
export { createStage, type Stage, type StageOptions } from './stage.ts'
