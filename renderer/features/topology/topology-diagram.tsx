import {
  BaseEdge,
  EdgeLabelRenderer,
  Handle,
  Position,
  ReactFlow,
  getSmoothStepPath,
  type Edge,
  type EdgeProps,
  type Node,
  type NodeProps,
} from '@xyflow/react';
import '@xyflow/react/dist/style.css';
import { useMemo } from 'react';
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
      {(['top', 'right', 'bottom', 'left'] as const).map((side) => (
        <span key={side}>
          <Handle type="target" id={`${side}-in`} position={SIDES[side]} isConnectable={false} />
          <Handle type="source" id={`${side}-out`} position={SIDES[side]} isConnectable={false} />
        </span>
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
  const [path, labelX, labelY] = getSmoothStepPath({ sourceX, sourceY, targetX, targetY, sourcePosition, targetPosition, borderRadius: 12 });
  const link = data!.link;
  return (
    <>
      <BaseEdge id={id} path={path} className={`topo-edge link-${link.status}`} />
      {link.protection && (
      <EdgeLabelRenderer>
        <div className={`topo-edge-label link-${link.status}`} style={{ transform: `translate(-50%, -50%) translate(${labelX}px, ${labelY}px)` }} title={link.checkIds.join(', ')}>
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

export function TopologyDiagram({ topology, selected, onSelect, label }: { topology: Topology; selected?: string; onSelect?: (id: string) => void; label: string }) {
  const nodes = useMemo<Array<Node<LabNodeData>>>(
    () =>
      topology.nodes.map((node) => ({
        id: node.id,
        type: 'lab',
        position: { x: node.x, y: node.y },
        width: node.width,
        height: node.height,
        data: { node, selected: node.id === selected },
        draggable: false,
        selectable: node.kind !== 'network' && node.kind !== 'door' && node.kind !== 'host',
        zIndex: node.kind === 'network' ? -1 : 1,
        ariaLabel: `${node.label}: ${node.detail}`,
      })),
    [topology, selected],
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
      })),
    [topology],
  );
  return (
    <div className="topology" aria-label={label} role="figure">
      <ReactFlow
        key={topology.nodes.map((node) => node.id).join(' ')}
        nodes={nodes}
        edges={edges}
        nodeTypes={nodeTypes}
        edgeTypes={edgeTypes}
        fitView
        fitViewOptions={{ padding: 0.06 }}
        minZoom={0.2}
        maxZoom={1.6}
        nodesConnectable={false}
        nodesDraggable={false}
        elementsSelectable={Boolean(onSelect)}
        panOnScroll={false}
        zoomOnScroll={false}
        preventScrolling={false}
        onNodeClick={(_, node) => onSelect?.(node.id)}
      />
    </div>
  );
}
