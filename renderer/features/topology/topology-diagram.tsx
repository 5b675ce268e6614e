import { BaseEdge, EdgeLabelRenderer, Handle, Position, ReactFlow, getSmoothStepPath, type Edge, type EdgeProps, type Node, type NodeProps } from '@xyflow/react';
import '@xyflow/react/dist/style.css';
import { Fragment, useEffect, useLayoutEffect, useMemo, useRef, useState } from 'react';
import { StatusIcon } from '../../components/status-icon.tsx';
import { ComponentIcon } from './component-icons.tsx';
import type { LinkStatus, Topology, TopologyLink, TopologyNode } from './topology-model.ts';

type LabNodeData = { node: TopologyNode; selected: boolean };
type LabEdgeData = { link: TopologyLink };

const SIDES = { top: Position.Top, right: Position.Right, bottom: Position.Bottom, left: Position.Left } as const;

function StatusMark({ status }: { status: LinkStatus }) {
  return status === 'planned' ? null : <StatusIcon status={status} />;
}

function LabNode({ data }: NodeProps<Node<LabNodeData>>) {
  const { node, selected } = data;
  if (node.kind === 'network') {
    return (
      <div className="topo-network">
        <span className="topo-network-label">
          {node.label} <span className="topo-muted">· {node.detail}</span>
        </span>
      </div>
    );
  }
  return (
    <div className={`topo-node topo-${node.kind} link-${node.status}${selected ? ' topo-selected' : ''}`}>
      {/* Fragments, not wrappers: a wrapper would be a flex item and push the text right by the gaps. */}
      {(['top', 'right', 'bottom', 'left'] as const).map((side) => (
        <Fragment key={side}>
          <Handle type="target" id={`${side}-in`} position={SIDES[side]} isConnectable={false} />
          <Handle type="source" id={`${side}-out`} position={SIDES[side]} isConnectable={false} />
        </Fragment>
      ))}
      <span className="topo-glyph">
        <ComponentIcon kind={node.kind} />
      </span>
      <span className="topo-text">
        <span className="topo-label">{node.label}</span>
        <span className="topo-detail">{node.detail}</span>
      </span>
      <StatusMark status={node.status} />
    </div>
  );
}

function ProtectedLink({ id, sourceX, sourceY, targetX, targetY, sourcePosition, targetPosition, data }: EdgeProps<Edge<LabEdgeData>>) {
  const link = data!.link;
  const [path] = getSmoothStepPath({ sourceX, sourceY, targetX, targetY, sourcePosition, targetPosition, borderRadius: 12, centerX: link.labelAt?.x, centerY: link.labelAt?.y });
  return (
    <>
      <BaseEdge id={id} path={path} className={`topo-edge link-${link.status}`} />
      {link.protection && link.labelAt && (
        <EdgeLabelRenderer>
          <div className={`topo-edge-label link-${link.status}`} style={{ transform: `translate(-50%, -50%) translate(${link.labelAt.x}px, ${link.labelAt.y}px)` }} title={link.checkIds.join(', ')}>
            <StatusMark status={link.status} />
            <span>{link.protection}</span>
          </div>
        </EdgeLabelRenderer>
      )}
    </>
  );
}

const nodeTypes = { lab: LabNode };
const edgeTypes = { protected: ProtectedLink };

/** Air around the diagram inside its frame, in screen pixels. */
const FRAME_PADDING = 10;
/** Node text is 15 px and more at zoom 1: below that the diagram scrolls instead of shrinking. */
const MIN_ZOOM = 1;
const MAX_ZOOM = 1.5;

/**
 * The lab's topology, zoomed to fit its frame between MIN_ZOOM and MAX_ZOOM and then enlarged
 * with the page's root font (presenter mode); when it does not fit, the frame scrolls. With
 * `onSelect` it is interactive (nodes take focus and open on click or Enter); without, it is a
 * picture: inert, out of the Tab order.
 */
export function TopologyDiagram({ topology, selected, onSelect, label }: { topology: Topology; selected?: string; onSelect?: (id: string) => void; label: string }) {
  const interactive = Boolean(onSelect);
  const frame = useRef<HTMLDivElement>(null);
  const frameSize = useElementSize(frame);
  const fontScale = useRootFontScale();
  const nodes = useMemo<Array<Node<LabNodeData>>>(
    () =>
      topology.nodes.map((node) => {
        const selectable = interactive && node.kind !== 'network' && node.kind !== 'door' && node.kind !== 'host';
        return {
          id: node.id,
          type: 'lab',
          position: { x: node.x, y: node.y },
          width: node.width,
          height: node.height,
          data: { node, selected: node.id === selected },
          draggable: false,
          selectable,
          focusable: selectable,
          zIndex: node.kind === 'network' ? -1 : 1,
          ariaLabel: `${node.label}: ${node.detail}`,
        };
      }),
    [topology, selected, interactive],
  );
  const edges = useMemo<Array<Edge<LabEdgeData>>>(
    () =>
      topology.links.map((link) => ({
        id: link.id,
        source: link.source,
        target: link.target,
        sourceHandle: `${link.sourceSide}-out`,
        targetHandle: `${link.targetSide}-in`,
        type: 'protected',
        data: { link },
        focusable: false,
        selectable: false,
      })),
    [topology],
  );
  const drawing = diagramSize(topology);
  const fit = frameSize ? Math.min((frameSize.width - 2 * FRAME_PADDING) / drawing.width, (frameSize.height - 2 * FRAME_PADDING) / drawing.height) : MIN_ZOOM;
  const zoom = Math.min(MAX_ZOOM, Math.max(MIN_ZOOM, fit)) * fontScale;
  const canvas = {
    width: Math.max(frameSize?.width ?? 0, Math.ceil(drawing.width * zoom + 2 * FRAME_PADDING)),
    height: Math.max(frameSize?.height ?? 0, Math.ceil(drawing.height * zoom + 2 * FRAME_PADDING)),
  };
  const viewport = { x: (canvas.width - drawing.width * zoom) / 2, y: (canvas.height - drawing.height * zoom) / 2, zoom };

  return (
    // onKeyDown is delegated from the focusable React Flow nodes inside (Enter or Space picks one); the figure takes no keys itself.
    // eslint-disable-next-line jsx-a11y/no-noninteractive-element-interactions -- see above
    <div
      ref={frame}
      className={`topology${interactive ? ' topology-interactive' : ''}`}
      aria-label={label}
      role="figure"
      // A picture's nodes take no focus, so its frame is the one Tab stop that lets a keyboard scroll what it cuts off.
      tabIndex={interactive ? undefined : 0}
      onKeyDown={(event) => {
        const target = event.target as HTMLElement;
        if ((event.key === 'Enter' || event.key === ' ') && target.classList.contains('react-flow__node') && target.dataset.id) {
          event.preventDefault();
          onSelect?.(target.dataset.id);
        }
      }}
    >
      <div className="topology-canvas" style={{ width: canvas.width, height: canvas.height }} inert={!interactive}>
        {frameSize && (
          <ReactFlow
            key={topology.nodes.map((node) => node.id).join(' ')}
            nodes={nodes}
            edges={edges}
            nodeTypes={nodeTypes}
            edgeTypes={edgeTypes}
            viewport={viewport}
            minZoom={0.1}
            maxZoom={4}
            nodesConnectable={false}
            nodesDraggable={false}
            nodesFocusable={interactive}
            edgesFocusable={false}
            elementsSelectable={interactive}
            panOnDrag={false}
            panOnScroll={false}
            zoomOnScroll={false}
            zoomOnPinch={false}
            zoomOnDoubleClick={false}
            preventScrolling={false}
            autoPanOnNodeFocus={false}
            // seclab is a non-commercial open-source project, which React Flow lets hide its attribution link (an extra Tab stop in 10 px grey).
            proOptions={{ hideAttribution: true }}
            onNodeClick={(_, node) => onSelect?.(node.id)}
          />
        )}
      </div>
    </div>
  );
}

function diagramSize(topology: Topology): { width: number; height: number } {
  return {
    width: Math.max(...topology.nodes.map((node) => node.x + node.width)),
    height: Math.max(...topology.nodes.map((node) => node.y + node.height)),
  };
}

function useElementSize(ref: React.RefObject<HTMLElement | null>): { width: number; height: number } | undefined {
  const [size, setSize] = useState<{ width: number; height: number }>();
  useLayoutEffect(() => {
    const element = ref.current;
    if (!element) return;
    const measure = () => setSize((previous) => (previous && previous.width === element.clientWidth && previous.height === element.clientHeight ? previous : { width: element.clientWidth, height: element.clientHeight }));
    measure();
    if (typeof ResizeObserver === 'undefined') return;
    const observer = new ResizeObserver(measure);
    observer.observe(element);
    return () => observer.disconnect();
  }, [ref]);
  return size;
}

/** The root font size against the 16 px the diagram is drawn for: presenter mode raises it one step. */
function useRootFontScale(): number {
  const read = () => (typeof getComputedStyle === 'function' ? parseFloat(getComputedStyle(document.documentElement).fontSize) / 16 || 1 : 1);
  const [scale, setScale] = useState(read);
  useEffect(() => {
    if (typeof MutationObserver === 'undefined') return;
    const observer = new MutationObserver(() => setScale(read()));
    observer.observe(document.documentElement, { attributes: true, attributeFilter: ['class', 'style'] });
    return () => observer.disconnect();
  }, []);
  return scale;
}
